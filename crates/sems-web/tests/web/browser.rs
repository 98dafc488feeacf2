//! Browser tests in headless Chromium.

use super::support::{spawn, PASSWORD};

#[test]
fn a_security_manager_signs_in_and_reaches_the_home_page() {
    let app = spawn(sems_storage::Engine::Sqlite, Default::default());
    let Some(browser) = sems_testkit::Browser::start(1280, 900) else {
        return;
    };
    browser.goto(&format!("{}/", app.base));
    assert!(
        browser.current_url().ends_with("/sign-in"),
        "{}",
        browser.current_url()
    );
    browser.fill("#username", "npt.security");
    browser.fill("#password", PASSWORD);
    browser.click("button[type=submit]");
    let heading = browser.wait_for_text("main h1", "Welcome, Sam Security");
    assert_eq!(heading, "Welcome, Sam Security");
    assert!(browser.text("nav.main").contains("Sites"));
    let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("home.png");
    browser.screenshot(&out);
    // The stylesheet applied (our own CSS, from our own server).
    let color = browser
        .script("return getComputedStyle(document.querySelector('header.site')).backgroundColor;");
    assert_eq!(color, "rgb(11, 61, 110)");
}

#[test]
fn staff_sign_in_on_a_phone_sized_screen() {
    let app = spawn(sems_storage::Engine::Sqlite, Default::default());
    let Some(browser) = sems_testkit::Browser::start(390, 844) else {
        return;
    };
    browser.goto(&format!("{}/sign-in", app.base));
    browser.fill("#username", "npt.staff");
    browser.fill("#password", "wrong password typed");
    browser.click("button[type=submit]");
    assert!(browser
        .wait_for_text("[role=alert]", "wrong user name or password")
        .contains("wrong user name or password"));
    browser.fill("#password", PASSWORD);
    browser.click("button[type=submit]");
    assert_eq!(
        browser.wait_for_text("main h1", "Welcome, Stan Staff"),
        "Welcome, Stan Staff"
    );
    // Nothing is wider than the screen.
    let overflow =
        browser.script("return document.documentElement.scrollWidth <= window.innerWidth;");
    assert_eq!(overflow, true);
    let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("phone-home.png");
    browser.screenshot(&out);
}
