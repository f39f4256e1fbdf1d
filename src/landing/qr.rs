//! A QR code as inline SVG, drawn with `qrcodegen` (Nayuki's reference
//! implementation: no dependencies, no image crate).

use qrcodegen::{QrCode, QrCodeEcc};

use crate::error::Failure;

/// ISO 18004: four light modules around the code, or scanners may miss it.
const QUIET_ZONE: i32 = 4;
/// The drawn size in CSS pixels: enough modules per pixel for a phone camera
/// at arm's length, and for a decoder reading a screenshot.
const PIXELS: u32 = 232;

/// `text` as an SVG QR code with error correction M (15 %, the common choice
/// for a screen), one `<path>` of horizontal runs of dark modules. `label`
/// (already HTML-escaped) is its accessible name.
pub fn svg(field: &str, text: &str, label: &str) -> Result<String, Failure> {
    let code = QrCode::encode_text(text, QrCodeEcc::Medium).map_err(|_| Failure::invalid(field, "is too long for a QR code"))?;
    let size = code.size();
    let side = size + 2 * QUIET_ZONE;
    let mut path = String::new();
    for y in 0..size {
        let mut x = 0;
        while x < size {
            if !code.get_module(x, y) {
                x += 1;
                continue;
            }
            let start = x;
            while x < size && code.get_module(x, y) {
                x += 1;
            }
            path.push_str(&format!("M{} {}h{}v1h-{}z", start + QUIET_ZONE, y + QUIET_ZONE, x - start, x - start));
        }
    }
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" width=\"{PIXELS}\" height=\"{PIXELS}\" \
         role=\"img\" aria-label=\"{label}\" shape-rendering=\"crispEdges\">\
         <rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The dark modules read back from the path: each run `M x y h n`.
    fn dark_modules(svg: &str) -> Vec<(i32, i32)> {
        let d = svg.split(" d=\"").nth(1).unwrap().split('"').next().unwrap();
        let mut cells = Vec::new();
        for run in d.split('M').filter(|r| !r.is_empty()) {
            let (xy, rest) = run.split_once('h').unwrap();
            let (x, y) = xy.split_once(' ').unwrap();
            let (x, y): (i32, i32) = (x.parse().unwrap(), y.parse().unwrap());
            let n: i32 = rest.split_once('v').unwrap().0.parse().unwrap();
            cells.extend((x..x + n).map(|x| (x - QUIET_ZONE, y - QUIET_ZONE)));
        }
        cells
    }

    #[test]
    fn draws_exactly_the_dark_modules() {
        let text = "https://example.com/landing?id=1";
        let code = QrCode::encode_binary(text.as_bytes(), QrCodeEcc::Medium).unwrap();
        let drawn = dark_modules(&svg("qrUrl", text, "QR").unwrap());
        let mut expected = Vec::new();
        for y in 0..code.size() {
            for x in 0..code.size() {
                if code.get_module(x, y) {
                    expected.push((x, y));
                }
            }
        }
        assert_eq!(drawn, expected);
        let side = code.size() + 8;
        assert!(svg("qrUrl", text, "QR").unwrap().contains(&format!("viewBox=\"0 0 {side} {side}\"")));
    }

    #[test]
    fn too_long_is_an_invalid_argument() {
        let field = crate::error::invalid_field(svg("qrUrl", &"x".repeat(3000), "QR"));
        assert_eq!(field, "qrUrl");
    }
}
