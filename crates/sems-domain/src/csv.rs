//! An RFC 4180 CSV reader for imports, which reports errors by line so a dry run can say
//! exactly which rows are wrong.

use std::sync::Arc;

/// At most this many data rows per import: a protection against a runaway upload, far above
/// any real catalogue of scenarios or measures.
pub const MAX_ROWS: usize = 10_000;

/// One record of a CSV document, with the line it starts on (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvRecord {
    pub line: usize,
    pub fields: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for CsvError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for CsvError {}

fn error(line: usize, message: impl Into<String>) -> CsvError {
    CsvError {
        line,
        message: message.into(),
    }
}

/// Parses a whole document. A leading BOM is skipped; lines end in CRLF or LF; quoted fields
/// may hold commas, doubled quotes and line breaks; blank lines are skipped.
pub fn parse(text: &str) -> Result<Vec<CsvRecord>, CsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut record_line = 1;
    // Whether the current record has any content (so blank lines are skipped).
    let mut started = false;
    let mut quoted_field = false;
    loop {
        let Some(c) = chars.next() else {
            if started {
                fields.push(std::mem::take(&mut field));
                records.push(CsvRecord {
                    line: record_line,
                    fields: std::mem::take(&mut fields),
                });
            }
            return Ok(records);
        };
        if !started {
            record_line = line;
        }
        match c {
            '"' if field.is_empty() && !quoted_field => {
                started = true;
                quoted_field = true;
                let opened = line;
                loop {
                    match chars.next() {
                        None => return Err(error(opened, "a quoted field is never closed")),
                        Some('"') => {
                            if chars.peek() == Some(&'"') {
                                chars.next();
                                field.push('"');
                            } else {
                                break;
                            }
                        }
                        Some('\n') => {
                            line += 1;
                            field.push('\n');
                        }
                        Some(other) => field.push(other),
                    }
                }
                match chars.peek() {
                    None | Some(',') | Some('\n') | Some('\r') => {}
                    Some(_) => return Err(error(line, "text after the closing quote of a field")),
                }
            }
            ',' => {
                started = true;
                fields.push(std::mem::take(&mut field));
                quoted_field = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                if started {
                    fields.push(std::mem::take(&mut field));
                    records.push(CsvRecord {
                        line: record_line,
                        fields: std::mem::take(&mut fields),
                    });
                }
                started = false;
                quoted_field = false;
                line += 1;
            }
            '"' => return Err(error(line, "a quote inside an unquoted field")),
            other => {
                started = true;
                field.push(other);
            }
        }
    }
}

/// A CSV document read against its header row.
#[derive(Debug, Clone)]
pub struct CsvTable {
    pub header: Arc<Vec<String>>,
    pub rows: Vec<CsvRow>,
}

/// A data row; `get` reads a column by its header name.
#[derive(Debug, Clone)]
pub struct CsvRow {
    pub line: usize,
    fields: Vec<String>,
    header: Arc<Vec<String>>,
}

impl CsvRow {
    /// The trimmed value of column `name` ("" when the file has no such column).
    pub fn get(&self, name: &str) -> &str {
        self.header
            .iter()
            .position(|h| h == name)
            .and_then(|i| self.fields.get(i))
            .map_or("", |v| v.trim())
    }
}

/// Reads a document whose first record is the header (names trimmed and lower-cased);
/// `required` columns must be there. Short rows are padded; long rows are an error.
pub fn table(text: &str, required: &[&str]) -> Result<CsvTable, CsvError> {
    let mut records = parse(text)?.into_iter();
    let first = records
        .next()
        .ok_or_else(|| error(1, "the file is empty: a header row is required"))?;
    let header: Vec<String> = first
        .fields
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    for (i, name) in header.iter().enumerate() {
        if header[..i].contains(name) {
            return Err(error(first.line, format!("column {name} appears twice")));
        }
    }
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|r| !header.iter().any(|h| h == r))
        .collect();
    if !missing.is_empty() {
        return Err(error(
            first.line,
            format!("missing column(s): {}", missing.join(", ")),
        ));
    }
    let header = Arc::new(header);
    let mut rows = Vec::new();
    for record in records {
        if rows.len() == MAX_ROWS {
            return Err(error(
                record.line,
                format!("more than {MAX_ROWS} rows: split the file"),
            ));
        }
        if record.fields.len() > header.len() {
            return Err(error(
                record.line,
                format!(
                    "{} fields where the header has {}",
                    record.fields.len(),
                    header.len()
                ),
            ));
        }
        let mut fields = record.fields;
        fields.resize(header.len(), String::new());
        rows.push(CsvRow {
            line: record.line,
            fields,
            header: Arc::clone(&header),
        });
    }
    Ok(CsvTable { header, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str) -> Vec<(usize, Vec<String>)> {
        parse(text)
            .unwrap()
            .into_iter()
            .map(|r| (r.line, r.fields))
            .collect()
    }

    #[test]
    fn quoted_fields_commas_quotes_and_line_breaks() {
        let got = fields("a,\"b, c\",\"say \"\"hi\"\"\"\r\n\"two\nlines\",x,\n\nlast,,end");
        assert_eq!(
            got,
            vec![
                (1, vec!["a".into(), "b, c".into(), "say \"hi\"".into()]),
                (2, vec!["two\nlines".into(), "x".into(), "".into()]),
                (5, vec!["last".into(), "".into(), "end".into()]),
            ]
        );
    }

    #[test]
    fn bom_and_trailing_newline() {
        assert_eq!(
            fields("\u{feff}code,title\n"),
            vec![(1, vec!["code".into(), "title".into()])]
        );
    }

    #[test]
    fn malformed_quotes_name_their_line() {
        let e = parse("a,b\n\"open,\nstill open").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("never closed"));
        let e = parse("a\n\"x\"y,z").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.to_string().starts_with("line 2:"), "{e}");
        assert!(parse("ab\"c").is_err());
    }

    #[test]
    fn table_checks_the_header_and_pads_short_rows() {
        let t = table(
            " Code , TITLE,extra\nX1,First\nX2,Second,more",
            &["code", "title"],
        )
        .unwrap();
        assert_eq!(t.header.as_slice(), ["code", "title", "extra"]);
        assert_eq!(t.rows[0].get("code"), "X1");
        assert_eq!(t.rows[0].get("extra"), "");
        assert_eq!(t.rows[1].line, 3);
        assert_eq!(t.rows[1].get("extra"), "more");
        assert_eq!(t.rows[1].get("absent"), "");

        let e = table("code\nX1", &["code", "title"]).unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.message.contains("title"), "{e}");
        let e = table("code,Code\nX", &["code"]).unwrap_err();
        assert!(e.message.contains("twice"), "{e}");
        let e = table("code\nX,Y", &["code"]).unwrap_err();
        assert_eq!(e.line, 2);
        assert!(table("", &["code"]).is_err());
    }

    #[test]
    fn too_many_rows_are_refused() {
        let mut text = String::from("code\n");
        for i in 0..=MAX_ROWS {
            text.push_str(&format!("C{i}\n"));
        }
        let e = table(&text, &["code"]).unwrap_err();
        assert!(e.message.contains("more than"), "{e}");
    }
}
