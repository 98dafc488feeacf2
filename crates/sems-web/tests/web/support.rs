use sems_services::{ServiceConfig, Services};
use sems_storage::{Engine, Store};
use serde_json::Value;
use std::sync::mpsc;

pub const PASSWORD: &str = sems_testkit::DEMO_PASSWORD;
/// The bearer token the test apps serve `/metrics` to.
pub const METRICS_TOKEN: &str = "test-metrics-token-2026";

/// A running sems with the demo data loaded.
pub struct App {
    pub base: String,
    pub engine: Engine,
    pub services: Services,
    pub runtime: std::sync::Arc<tokio::runtime::Runtime>,
}

impl App {
    /// Runs a future on the app's runtime (for direct database checks).
    pub fn block<F: std::future::Future>(&self, f: F) -> F::Output {
        self.runtime.block_on(f)
    }

    pub fn sql_count(&self, sql: &str) -> i64 {
        let store = self.services.store.clone();
        let sql = sql.to_string();
        self.block(async move {
            let mut conn = store.read().await.unwrap();
            let row = sqlx::query(&sql).fetch_one(&mut *conn).await.unwrap();
            sqlx::Row::try_get::<i64, _>(&row, 0).unwrap()
        })
    }

    pub fn sql(&self, sql: &str) {
        let store = self.services.store.clone();
        let sql = sql.to_string();
        self.block(async move {
            let mut conn = store.read().await.unwrap();
            sqlx::query(&sql).execute(&mut *conn).await.unwrap();
        })
    }

    pub fn client(&self) -> Client {
        Client::new(&self.base)
    }

    /// A client signed in through the API (cookie and CSRF token kept).
    pub fn signed_in(&self, username: &str) -> Client {
        let mut c = self.client();
        c.sign_in(username, PASSWORD);
        c
    }
}

/// Starts an app on each engine available: SQLite always, PostgreSQL when the throwaway
/// cluster runs (required in CI).
pub fn apps() -> Vec<App> {
    engines()
        .into_iter()
        .map(|e| spawn(e, ServiceConfig::default()))
        .collect()
}

/// The engines the suite runs on: SQLite, and PostgreSQL when its binaries are installed.
pub fn engines() -> Vec<Engine> {
    let mut out = vec![Engine::Sqlite];
    if sems_testkit::postgres().is_some() {
        out.push(Engine::Postgres);
    }
    out
}

pub fn spawn(engine: Engine, config: ServiceConfig) -> App {
    spawn_with(
        engine,
        config,
        sems_web::WebConfig {
            metrics_token: Some(METRICS_TOKEN.into()),
            ..Default::default()
        },
    )
}

/// As `spawn`, with the web layer's settings.
pub fn spawn_with(engine: Engine, config: ServiceConfig, web: sems_web::WebConfig) -> App {
    spawn_tuned(engine, config, web, |_| {})
}

/// As `spawn_with`, with the services' deployment settings changed before serving.
pub fn spawn_tuned(
    engine: Engine,
    config: ServiceConfig,
    web: sems_web::WebConfig,
    tune: fn(&mut Services),
) -> App {
    let runtime = std::sync::Arc::new(
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap(),
    );
    // A copy of the demo data set, loaded once per process.
    let demo = sems_testkit::demo();
    let location = demo.copy(engine).expect("postgres");
    let reporting = demo.reporting.clone();
    let (tx, rx) = mpsc::channel();
    let rt = runtime.clone();
    std::thread::spawn(move || {
        rt.block_on(async move {
            let store = Store::open(&location, 8).await.unwrap();
            let mut services = Services::new(store, config);
            services.reporting = Some(reporting);
            services.load_settings().await.unwrap();
            tune(&mut services);
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let state = sems_web::AppState::new(services.clone(), web);
            tx.send((addr, services)).unwrap();
            sems_web::serve(listener, state, std::future::pending())
                .await
                .unwrap();
        });
    });
    let (addr, services) = rx.recv().expect("the app did not start");
    App {
        base: format!("http://{addr}"),
        engine,
        services,
        runtime,
    }
}

/// A response, whatever its status.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// The body as text (invalid UTF-8 replaced); `bytes` holds it as sent.
    pub body: String,
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// A small HTTP client that keeps the session cookie and CSRF token, and never follows
/// redirects (tests look at them).
pub struct Client {
    agent: ureq::Agent,
    pub base: String,
    pub cookie: Option<String>,
    pub csrf: Option<String>,
    pub bearer: Option<String>,
    /// The sign-in form's pre-session cookie.
    pub signin: Option<String>,
}

impl Client {
    pub fn new(base: &str) -> Self {
        Self {
            agent: ureq::AgentBuilder::new().redirects(0).build(),
            base: base.to_string(),
            cookie: None,
            csrf: None,
            bearer: None,
            signin: None,
        }
    }

    fn finish(&mut self, result: Result<ureq::Response, ureq::Error>) -> Reply {
        let response = match result {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("request failed: {e}"),
        };
        let status = response.status();
        let headers: Vec<(String, String)> = response
            .headers_names()
            .into_iter()
            .flat_map(|name| {
                response
                    .all(&name)
                    .into_iter()
                    .map(|v| (name.clone(), v.to_string()))
                    .collect::<Vec<_>>()
            })
            .collect();
        for (k, v) in &headers {
            if k.eq_ignore_ascii_case("set-cookie") && v.starts_with("sems_session=") {
                let value = v["sems_session=".len()..].split(';').next().unwrap_or("");
                self.cookie = (!value.is_empty()).then(|| value.to_string());
            }
            if k.eq_ignore_ascii_case("set-cookie") && v.starts_with("sems_signin=") {
                let value = v["sems_signin=".len()..].split(';').next().unwrap_or("");
                self.signin = (!value.is_empty()).then(|| value.to_string());
            }
        }
        let mut bytes = Vec::new();
        // A body cut short fails the test through what it lacks.
        let _ = std::io::Read::read_to_end(&mut response.into_reader(), &mut bytes);
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes,
        }
    }

    fn request(&self, method: &str, path: &str) -> ureq::Request {
        let mut r = self
            .agent
            .request(method, &format!("{}{}", self.base, path));
        let mut cookies = Vec::new();
        if let Some(c) = &self.cookie {
            cookies.push(format!("sems_session={c}"));
        }
        if let Some(c) = self
            .signin
            .as_ref()
            .filter(|_| path.starts_with("/sign-in"))
        {
            cookies.push(format!("sems_signin={c}"));
        }
        if !cookies.is_empty() {
            r = r.set("Cookie", &cookies.join("; "));
        }
        if let Some(b) = &self.bearer {
            r = r.set("Authorization", &format!("Bearer {b}"));
        }
        r
    }

    pub fn get(&mut self, path: &str) -> Reply {
        let r = self.request("GET", path).call();
        self.finish(r)
    }

    /// Sends a form; adds the session's CSRF token unless `with_csrf` is false.
    /// The sign-in form is fetched first, as a browser would, for its pre-session token.
    pub fn form(&mut self, path: &str, pairs: &[(&str, &str)], with_csrf: bool) -> Reply {
        let mut all: Vec<(&str, &str)> = pairs.to_vec();
        let signin_token;
        if path == "/sign-in" && !pairs.iter().any(|(k, _)| *k == "csrf_token") {
            let page = self.get("/sign-in");
            signin_token = page
                .body
                .split("name=\"csrf_token\" value=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .unwrap_or_default()
                .to_string();
            all.push(("csrf_token", &signin_token));
        }
        let csrf = self.csrf.clone().unwrap_or_default();
        if with_csrf {
            all.push(("csrf_token", &csrf));
        }
        let r = self.request("POST", path).send_form(&all);
        self.finish(r)
    }

    /// Sends JSON to the API; adds the CSRF header when a session is used.
    pub fn api(&mut self, method: &str, path: &str, body: Option<Value>) -> Reply {
        let mut r = self.request(method, &format!("/api/v1{path}"));
        if let Some(csrf) = &self.csrf {
            r = r.set("X-CSRF-Token", csrf);
        }
        let result = match body {
            Some(b) => r.send_json(b),
            None => r.call(),
        };
        let reply = self.finish(result);
        if path != "/openapi.json" {
            super::conformance::check(method, path, &reply);
        }
        reply
    }

    /// Sends raw bytes to the API with a content type.
    pub fn api_raw(&mut self, method: &str, path: &str, content_type: &str, body: &[u8]) -> Reply {
        let mut r = self
            .request(method, &format!("/api/v1{path}"))
            .set("Content-Type", content_type);
        if let Some(csrf) = &self.csrf {
            r = r.set("X-CSRF-Token", csrf);
        }
        let result = r.send_bytes(body);
        let reply = self.finish(result);
        super::conformance::check(method, path, &reply);
        reply
    }

    /// Sends raw bytes to a page path (an upload form), with extra headers.
    pub fn post_raw(
        &mut self,
        path: &str,
        content_type: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Reply {
        let mut r = self.request("POST", path).set("Content-Type", content_type);
        for (k, v) in headers {
            r = r.set(k, v);
        }
        let result = r.send_bytes(body);
        self.finish(result)
    }

    pub fn sign_in(&mut self, username: &str, password: &str) -> Reply {
        let reply = self.api(
            "POST",
            "/session",
            Some(serde_json::json!({"username": username, "password": password})),
        );
        if reply.status == 200 {
            self.csrf = reply.json()["csrf_token"].as_str().map(str::to_string);
        }
        reply
    }
}
