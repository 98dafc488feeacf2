//! QR codes as inline SVG, drawn on the server (no script, no external service), so a phone's
//! authenticator app can scan the two-factor setup.

use qrcodegen::{QrCode, QrCodeEcc};

/// An SVG drawing of `text` as a QR code, or `None` when the text is too long to encode.
pub fn svg(text: &str, title: &str) -> Option<String> {
    let qr = QrCode::encode_text(text, QrCodeEcc::Medium).ok()?;
    let border = 4;
    let size = qr.size() + border * 2;
    let mut path = String::new();
    for y in 0..qr.size() {
        for x in 0..qr.size() {
            if qr.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + border, y + border));
            }
        }
    }
    let title = title
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" width=\"220\" height=\"220\" role=\"img\" aria-label=\"{title}\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>"
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn draws_a_square_code() {
        let svg = super::svg("otpauth://totp/sems:ann?secret=ABC", "code <x>").unwrap();
        assert!(svg.starts_with("<svg"));
        let view_box = svg.split("viewBox=\"0 0 ").nth(1).unwrap();
        let mut sides = view_box.split('"').next().unwrap().split(' ');
        let (w, h) = (sides.next().unwrap(), sides.next().unwrap());
        assert_eq!(w, h, "square");
        // The smallest QR code has 21 modules a side, plus a border of 4 on each side.
        assert!(w.parse::<i32>().unwrap() >= 29);
        assert!(svg.contains("code &lt;x&gt;"));
    }
}
