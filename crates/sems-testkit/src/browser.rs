use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The W3C WebDriver key of an element reference.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Headless Chromium driven through chromedriver's WebDriver protocol.
pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    agent: ureq::Agent,
    profile: std::path::PathBuf,
}

fn find(program: &str, fallbacks: &[&str]) -> Option<String> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
        .map(|p| p.display().to_string())
        .or_else(|| {
            fallbacks
                .iter()
                .find(|p| std::path::Path::new(p).is_file())
                .map(|p| p.to_string())
        })
}

impl Browser {
    /// Starts chromedriver and a headless Chromium with a `width`×`height` window. `None`
    /// (with a message) when they are not installed, unless `SEMS_REQUIRE_BROWSER=1`.
    pub fn start(width: u32, height: u32) -> Option<Browser> {
        match Self::try_start(width, height) {
            Ok(b) => Some(b),
            Err(e) if !crate::required("SEMS_REQUIRE_BROWSER") => {
                eprintln!("skipping browser test: {e}");
                None
            }
            Err(e) => panic!("browser tests are required (SEMS_REQUIRE_BROWSER=1): {e}"),
        }
    }

    fn try_start(width: u32, height: u32) -> Result<Browser, String> {
        let driver_path = find("chromedriver", &["/usr/bin/chromedriver"])
            .ok_or("chromedriver is not installed (Debian: apt-get install chromium-driver)")?;
        let chromium = find("chromium", &["/usr/bin/chromium"])
            .ok_or("chromium is not installed (Debian: apt-get install chromium)")?;
        let port = crate::free_port();
        let driver = Command::new(driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start chromedriver: {e}"))?;
        let base = format!("http://127.0.0.1:{port}");
        let agent = ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(60))
            .build();
        let deadline = Instant::now() + Duration::from_secs(20);
        while agent.get(&format!("{base}/status")).call().is_err() {
            if Instant::now() > deadline {
                return Err("chromedriver did not start".into());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = crate::temp_dir("sems-chromium");
        let mut caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update",
                    "--no-first-run", "--disable-sync", "--disable-dev-shm-usage",
                    format!("--user-data-dir={}", profile.display()),
                    format!("--window-size={width},{height}"),
                ]
            }
        }}});
        // Headless Chromium keeps a window at least 500 pixels wide: a phone's screen is
        // emulated as a device's metrics, so pages meet its real width.
        if width < 500 {
            caps["capabilities"]["alwaysMatch"]["goog:chromeOptions"]["mobileEmulation"] =
                json!({"deviceMetrics": {"width": width, "height": height, "pixelRatio": 1.0}});
        }
        let mut browser = Browser {
            driver,
            base,
            session: String::new(),
            agent,
            profile,
        };
        let v = browser.post("/session", caps)?;
        browser.session = v["sessionId"]
            .as_str()
            .ok_or_else(|| format!("no session id in {v}"))?
            .to_string();
        Ok(browser)
    }

    fn url(&self, path: &str) -> String {
        format!("{}/session/{}{}", self.base, self.session, path)
    }

    fn post(&self, path: &str, body: Value) -> Result<Value, String> {
        let url = if path == "/session" {
            format!("{}{}", self.base, path)
        } else {
            self.url(path)
        };
        match self.agent.post(&url).send_json(body) {
            Ok(r) => r
                .into_json::<Value>()
                .map(|v| v["value"].clone())
                .map_err(|e| e.to_string()),
            Err(ureq::Error::Status(code, r)) => {
                Err(format!("{code}: {}", r.into_string().unwrap_or_default()))
            }
            Err(e) => Err(e.to_string()),
        }
    }

    fn get(&self, path: &str) -> Result<Value, String> {
        match self.agent.get(&self.url(path)).call() {
            Ok(r) => r
                .into_json::<Value>()
                .map(|v| v["value"].clone())
                .map_err(|e| e.to_string()),
            Err(ureq::Error::Status(code, r)) => {
                Err(format!("{code}: {}", r.into_string().unwrap_or_default()))
            }
            Err(e) => Err(e.to_string()),
        }
    }

    pub fn goto(&self, url: &str) {
        self.post("/url", json!({ "url": url }))
            .unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
    }

    pub fn current_url(&self) -> String {
        self.get("/url")
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    /// The element matching `css`, waiting up to 5 seconds for it to appear.
    pub fn element(&self, css: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let found = self.post("/element", json!({"using": "css selector", "value": css}));
            if let Ok(Some(id)) = found.as_ref().map(|v| v[ELEMENT_KEY].as_str()) {
                return id.to_string();
            }
            if Instant::now() > deadline {
                panic!("no element '{css}': {found:?}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn fill(&self, css: &str, text: &str) {
        let id = self.element(css);
        self.post(&format!("/element/{id}/clear"), json!({})).ok();
        self.post(&format!("/element/{id}/value"), json!({ "text": text }))
            .unwrap_or_else(|e| panic!("cannot type into '{css}': {e}"));
    }

    pub fn click(&self, css: &str) {
        let id = self.element(css);
        self.post(&format!("/element/{id}/click"), json!({}))
            .unwrap_or_else(|e| panic!("cannot click '{css}': {e}"));
    }

    pub fn text(&self, css: &str) -> String {
        let id = self.element(css);
        self.get(&format!("/element/{id}/text"))
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    /// Waits up to 10 seconds for the text of `css` to contain `expected` (a click that
    /// navigates returns before the next page is there), and returns the last text seen.
    pub fn wait_for_text(&self, css: &str, expected: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let found = self
                .post("/element", json!({"using": "css selector", "value": css}))
                .ok()
                .and_then(|v| v[ELEMENT_KEY].as_str().map(str::to_string));
            let text = found
                .and_then(|id| self.get(&format!("/element/{id}/text")).ok())
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            if text.contains(expected) || Instant::now() > deadline {
                return text;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Runs a script in the page and returns its result.
    pub fn script(&self, js: &str) -> Value {
        self.post("/execute/sync", json!({"script": js, "args": []}))
            .unwrap_or_else(|e| panic!("script failed: {e}"))
    }

    /// Saves a PNG screenshot.
    pub fn screenshot(&self, path: &std::path::Path) {
        if let Ok(v) = self.get("/screenshot") {
            if let Some(b64) = v.as_str() {
                if let Some(bytes) = sems_domain::util::base64_decode(b64) {
                    let _ = std::fs::write(path, bytes);
                }
            }
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self.agent.delete(&self.url("")).call();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}
