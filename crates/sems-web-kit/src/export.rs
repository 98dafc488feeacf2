//! Exports: CSV (RFC 4180), safe to open in a spreadsheet.

/// One CSV field: quoted when needed, and defused when a spreadsheet would read it as a
/// formula (a leading `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'`).
pub fn csv_field(value: &str) -> String {
    let defused = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

/// A CSV document from a header and rows, lines ended with CRLF.
pub fn csv(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut out = header
        .iter()
        .map(|h| csv_field(h))
        .collect::<Vec<_>>()
        .join(",");
    out.push_str("\r\n");
    for row in rows {
        out.push_str(
            &row.iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    out
}

/// A stored file handed to the reader: its type sniffed from its first bytes (never trusted
/// from its name), as an attachment, not kept in caches.
pub fn stored_file(filename: &str, bytes: Vec<u8>) -> axum::response::Response {
    use axum::response::IntoResponse;
    let kind = sems_domain::report::sniff(&bytes).unwrap_or("application/octet-stream");
    (
        [
            (axum::http::header::CONTENT_TYPE, kind.to_string()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                content_disposition(filename),
            ),
            (axum::http::header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

/// A `Content-Disposition` for a download (RFC 6266): an ASCII `filename` for old clients and
/// `filename*` in UTF-8 (RFC 5987), so a name in any script keeps its extension.
pub fn content_disposition(filename: &str) -> String {
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in filename.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// Every item of a list, page by page at the largest page size, up to 1,000 pages (200,000
/// rows: the exports' cap).
pub async fn all_pages<T, F, Fut>(mut fetch: F) -> sems_services::Result<Vec<T>>
where
    F: FnMut(sems_domain::page::PageRequest) -> Fut,
    Fut: std::future::Future<Output = sems_services::Result<sems_domain::page::Page<T>>>,
{
    let mut rows = Vec::new();
    for n in 1..=1000 {
        let page = fetch(sems_domain::page::PageRequest::new(
            Some(n),
            Some(sems_domain::page::MAX_PER_PAGE),
        ))
        .await?;
        let more = page.has_next();
        rows.extend(page.items);
        if !more {
            break;
        }
    }
    Ok(rows)
}

/// A CSV download named `filename`.
pub fn csv_download(
    filename: &str,
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, content_disposition(filename)),
        ],
        csv(header, rows),
    )
        .into_response()
}

/// An .xlsx download named `filename`, or the error page when the workbook cannot be
/// written (the CSV export holds the same rows).
pub fn xlsx_download(
    sheet: &str,
    filename: &str,
    header: &[&str],
    rows: &[Vec<crate::xlsx::Cell>],
) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    match crate::xlsx::workbook(sheet, header, rows) {
        Ok(bytes) => (
            [
                (
                    header::CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
                ),
                (header::CONTENT_DISPOSITION, content_disposition(filename)),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "an XLSX export could not be written");
            crate::pages::error_page(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "The spreadsheet could not be written. The CSV export holds the same rows.",
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downloads_keep_their_name_and_extension_in_any_script() {
        assert_eq!(
            content_disposition("report.pdf"),
            "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf"
        );
        let d = content_disposition("Überprüfung \"Tor 4\".jpg");
        assert!(
            d.starts_with("attachment; filename=\"_berpr_fung _Tor 4_.jpg\""),
            "{d}"
        );
        assert!(
            d.ends_with("filename*=UTF-8''%C3%9Cberpr%C3%BCfung%20%22Tor%204%22.jpg"),
            "{d}"
        );
        assert!(
            axum::http::HeaderValue::from_str(&d).is_ok(),
            "a valid header"
        );
    }

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("-1"), "'-1");
        assert_eq!(
            csv(&["a", "b"], vec![vec!["1".into(), "x\ny".into()]]),
            "a,b\r\n1,\"x\ny\"\r\n"
        );
    }
}
