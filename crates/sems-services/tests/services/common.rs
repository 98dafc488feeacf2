//! What every service test starts from: the demo data set on SQLite and, when its binaries
//! are installed, on a throwaway PostgreSQL; and a demo person as an actor.

use sems_services::{Actor, ServiceConfig, Services};
use sems_storage::{people, Engine};

/// Services over a copy of the demo data set (loaded once per process), one per engine.
pub async fn services() -> Vec<Services> {
    let demo = sems_testkit::demo();
    let mut out = Vec::new();
    for engine in [Engine::Sqlite, Engine::Postgres] {
        if let Some(s) = demo.services(engine, ServiceConfig::default()).await {
            out.push(s);
        }
    }
    out
}

/// The demo person `username`, as an actor.
pub async fn actor(s: &Services, username: &str) -> Actor {
    let mut conn = s.store.read().await.unwrap();
    let p = people::by_username(&mut conn, username)
        .await
        .unwrap()
        .unwrap();
    Actor::Person(people::subject(&mut conn, p.id).await.unwrap().unwrap())
}

/// The id of the national scenario `code` (for example `NAT-01`), as `reader` finds it.
#[allow(dead_code)] // not every test binary looks a scenario up
pub async fn scenario_id(s: &Services, reader: &Actor, code: &str) -> i64 {
    s.risk()
        .scenarios(
            reader,
            &sems_storage::risk::ScenarioFilter {
                search: Some(code.into()),
                ..Default::default()
            },
            Default::default(),
        )
        .await
        .unwrap()
        .items[0]
        .id
}
