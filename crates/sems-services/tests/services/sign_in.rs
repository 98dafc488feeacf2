//! Sign-in throttling keyed on the client as well as the user name: one client guessing
//! names locks itself out, not the accounts' owners; the store never holds an address.

use sems_services::auth::SignInClient;
use sems_services::ServiceError;
use sems_testkit::DEMO_PASSWORD;

fn client(ip: &str) -> SignInClient {
    SignInClient::network(ip.parse().expect("an address"))
}

#[tokio::test]
async fn a_guessing_client_locks_itself_out_and_not_the_owner() {
    for s in crate::common::services().await {
        let guesser = client("203.0.113.66");
        let owner = client("198.51.100.20");
        // Five wrong passwords for one name from one client lock that name for that client.
        for _ in 0..5 {
            let wrong = s
                .sign_in_from(&guesser, "npt.analyst", "not the password at all")
                .await;
            assert!(wrong.is_err());
        }
        let locked = s.sign_in_from(&guesser, "npt.analyst", DEMO_PASSWORD).await;
        assert!(
            matches!(locked, Err(ServiceError::Locked { retry_after_seconds }) if retry_after_seconds > 0),
            "{locked:?}"
        );
        // The owner, from elsewhere, still signs in.
        s.sign_in_from(&owner, "npt.analyst", DEMO_PASSWORD)
            .await
            .expect("the owner signs in from their own client");

        // Guessing across names: after 20 failures over any names the client is stopped
        // for every name, and the names' owners are not.
        let sprayer = client("2001:db8:77:1::5");
        for i in 0..20 {
            let name = format!("someone.{i}");
            let _ = s.sign_in_from(&sprayer, &name, "a guessed password").await;
        }
        let next_ip = client("2001:db8:77:1::9"); // the same /64
        let stopped = s.sign_in_from(&next_ip, "npt.staff", DEMO_PASSWORD).await;
        assert!(
            matches!(stopped, Err(ServiceError::Locked { .. })),
            "the client is stopped over every name: {stopped:?}"
        );
        s.sign_in_from(&owner, "npt.staff", DEMO_PASSWORD)
            .await
            .expect("npt.staff signs in from their own client");

        // Only pseudonyms are stored: no row holds an address.
        let mut conn = s.store.read().await.unwrap();
        let clients: Vec<String> =
            sqlx::query_scalar("SELECT DISTINCT client FROM sign_in_failures")
                .fetch_all(&mut *conn)
                .await
                .unwrap();
        assert!(!clients.is_empty());
        for c in clients {
            assert!(
                !c.contains("203.0.113") && !c.contains("2001:db8") && !c.contains('.'),
                "{c}"
            );
        }
    }
}
