//! CSV for imports: the `csv` crate reads the records; this module checks the header and the
//! fields against it and reports errors by line, so a dry run can say exactly which rows are
//! wrong.

use std::sync::Arc;

/// At most this many data rows per import: a protection against a runaway upload, far above
/// any real catalogue of scenarios or measures.
pub const MAX_ROWS: usize = 10_000;

/// One record of a CSV document, with the line it starts on (1-based) for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvRecord {
    /// The line the record starts on; a quoted line break makes a record span lines.
    pub line: usize,
    /// The fields, unquoted and not trimmed.
    pub fields: Vec<String>,
}

/// Why a document could not be read, and on which line (1-based).
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

/// Counts lines up to a byte offset, moving forward only (records come in order), so a whole
/// file is counted once. CRLF counts once, as do a lone CR and a lone LF. The reader's own
/// line numbers miss blank and CR-only lines, and a dry run must name the right line.
#[derive(Default)]
struct LineCounter {
    byte: usize,
    line: usize,
}

impl LineCounter {
    /// The line (1-based) of the first character at or after `byte` that is not a line
    /// break: a record's position may include the blank lines before it.
    fn line_at(&mut self, text: &str, byte: usize) -> usize {
        let bytes = text.as_bytes();
        let mut target = byte.min(bytes.len());
        while matches!(bytes.get(target), Some(b'\r' | b'\n')) {
            target += 1;
        }
        for i in self.byte..target {
            let lone_cr = bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
            if bytes[i] == b'\n' || lone_cr {
                self.line += 1;
            }
        }
        self.byte = self.byte.max(target);
        self.line + 1
    }
}

/// Parses a whole document with the `csv` crate. A leading UTF-8 BOM is skipped; lines end
/// in CRLF, LF or CR; quoted fields may hold commas, doubled quotes and line breaks; blank
/// lines are skipped.
///
/// A record whose quotes do not pair up is refused on the line it starts: an unclosed quote
/// (which would otherwise swallow the rest of the file into one field) or a lone quote in an
/// unquoted field. Both usually mean a field was quoted wrongly, which is better reported
/// than guessed at.
pub fn parse(text: &str) -> Result<Vec<CsvRecord>, CsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    let mut starts = Vec::new();
    let mut lines = LineCounter::default();
    for result in reader.records() {
        let record = result.map_err(|e| {
            let line = e.position().map_or(1, |p| p.line() as usize);
            error(line, e.to_string())
        })?;
        let byte = record.position().map_or(0, |p| p.byte() as usize);
        starts.push(byte);
        records.push(CsvRecord {
            line: lines.line_at(text, byte),
            fields: record.iter().map(str::to_string).collect(),
        });
    }
    // Each record's own text runs from its start to the next one's.
    starts.push(text.len());
    for (i, record) in records.iter().enumerate() {
        let raw = text.get(starts[i]..starts[i + 1]).unwrap_or("");
        if raw.matches('"').count() % 2 == 1 {
            return Err(error(
                record.line,
                "a quote is never closed, or stands inside an unquoted field (enclose the \
                 field in quotes and write a quote inside it twice)",
            ));
        }
    }
    Ok(records)
}

/// A CSV document read against its header row.
#[derive(Debug, Clone)]
pub struct CsvTable {
    /// The column names: trimmed and lower-cased.
    pub header: Vec<String>,
    /// The data rows, without blank ones.
    pub rows: Vec<CsvRow>,
}

/// A data row; `get` reads a column by its header name.
#[derive(Debug, Clone)]
pub struct CsvRow {
    /// The line the row starts on (1-based).
    pub line: usize,
    /// As many fields as the header has columns.
    fields: Vec<String>,
    /// Shared by all rows of a table; `Arc` keeps rows `Send + Sync` for async callers.
    header: Arc<Vec<String>>,
}

impl CsvRow {
    /// The trimmed value of column `name` (a lower-case header name), or "" when the file
    /// has no such column.
    pub fn get(&self, name: &str) -> &str {
        self.header
            .iter()
            .position(|h| h == name)
            .and_then(|i| self.fields.get(i))
            .map_or("", |v| v.trim())
    }
}

/// Reads a document whose first record is the header; names are trimmed and lower-cased so
/// "Code " matches "code". The `required` columns (lower-case) must be there and no name
/// may appear twice; both are reported on line 1. Columns with an empty name, such as the
/// trailing ones a spreadsheet adds, may repeat and are ignored.
///
/// Short rows are padded with "", rows with more fields than the header are an error, and
/// rows whose fields are all blank (",,," from a spreadsheet's empty rows) are skipped.
/// More than [`MAX_ROWS`] data rows is an error.
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
        if !name.is_empty() && header[..i].contains(name) {
            return Err(error(
                first.line,
                format!("column \"{name}\" appears twice"),
            ));
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
    let shared = Arc::new(header.clone());
    let mut rows = Vec::new();
    for record in records {
        if record.fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
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
            header: Arc::clone(&shared),
        });
    }
    Ok(CsvTable { header, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str) -> Vec<(usize, Vec<String>)> {
        parse(text)
            .unwrap()
            .into_iter()
            .map(|r| (r.line, r.fields))
            .collect()
    }

    fn rec(line: usize, fields: &[&str]) -> (usize, Vec<String>) {
        (line, fields.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn quoted_commas_and_doubled_quotes() {
        assert_eq!(
            records("a,\"b, c\",\"say \"\"hi\"\"\",\"\",\"\"\"\"\n"),
            [rec(1, &["a", "b, c", "say \"hi\"", "", "\""])]
        );
    }

    #[test]
    fn line_breaks_in_quotes_keep_later_line_numbers_right() {
        assert_eq!(
            records("h1,h2\n\"two\nlines\",x\n\"three\r\nline\r\nfield\",y\r\nlast,z"),
            [
                rec(1, &["h1", "h2"]),
                rec(2, &["two\nlines", "x"]),
                rec(4, &["three\r\nline\r\nfield", "y"]),
                rec(7, &["last", "z"]),
            ]
        );
    }

    #[test]
    fn bom_crlf_blank_lines_and_empty_fields() {
        assert_eq!(
            records("\u{feff}code,title\r\n\r\n\nX1,,\r\n,\r\n\r\n"),
            [
                rec(1, &["code", "title"]),
                rec(4, &["X1", "", ""]),
                rec(5, &["", ""]),
            ]
        );
        assert_eq!(records("a\rb"), [rec(1, &["a"]), rec(2, &["b"])]);
        assert!(records("").is_empty());
        assert!(records("\u{feff}\n\r\n").is_empty());
    }

    #[test]
    fn an_unclosed_quote_names_the_line_it_opens() {
        let e = parse("a,b\n\"open,\nstill open\nand more").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("never closed"), "{e}");
        assert!(e.to_string().starts_with("line 2: "), "{e}");
    }

    #[test]
    fn a_lone_quote_is_an_error_and_text_after_a_closing_quote_is_read_as_the_crate_does() {
        let e = parse("a\nab\"c").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("unquoted"), "{e}");
        let e = parse("a\nb\n\"multi\nline\" and \"more,z").unwrap_err();
        assert_eq!(e.line, 3, "reported on the line the record starts");
        // Quotes that pair up are the reader's to interpret: the closing quote ends the
        // quoting, the rest of the field follows.
        assert_eq!(
            records("a\n\"x\"y,z"),
            [rec(1, &["a"]), rec(2, &["xy", "z"])]
        );
    }

    #[test]
    fn the_header_is_normalised_and_short_rows_padded() {
        let t = table(
            " Code , TITLE,Extra\nX1,First\nX2, Second ,more\n,,\n",
            &["code", "title"],
        )
        .unwrap();
        assert_eq!(t.header, ["code", "title", "extra"]);
        assert_eq!(t.rows.len(), 2, "the all-blank row is skipped");
        assert_eq!(t.rows[0].line, 2);
        assert_eq!(t.rows[0].get("code"), "X1");
        assert_eq!(t.rows[0].get("extra"), "");
        assert_eq!(t.rows[1].line, 3);
        assert_eq!(t.rows[1].get("title"), "Second");
        assert_eq!(t.rows[1].get("extra"), "more");
        assert_eq!(t.rows[1].get("absent"), "");
    }

    #[test]
    fn missing_and_duplicate_columns_are_refused_on_line_one() {
        let e = table("code\nX1", &["code", "title", "means"]).unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.message.contains("title, means"), "{e}");
        let e = table("code, CODE \nX,Y", &["code"]).unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.message.contains("\"code\" appears twice"), "{e}");
        assert!(table("code,,\nX,,", &["code"]).is_ok(), "unnamed columns");
        let e = table("", &["code"]).unwrap_err();
        assert_eq!(e.line, 1);
    }

    #[test]
    fn a_row_with_too_many_fields_names_its_line() {
        let e = table("code,title\nX,Y\n\"a\nb\",c,d", &["code"]).unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("3 fields where the header has 2"), "{e}");
    }

    #[test]
    fn too_many_rows_are_refused() {
        let mut text = String::from("code\n");
        for i in 0..MAX_ROWS {
            text.push_str(&format!("C{i}\n"));
        }
        assert_eq!(table(&text, &["code"]).unwrap().rows.len(), MAX_ROWS);
        text.push_str("one more\n");
        let e = table(&text, &["code"]).unwrap_err();
        assert_eq!(e.line, MAX_ROWS + 2);
        assert!(e.message.contains("more than 10000 rows"), "{e}");
    }

    #[test]
    fn rows_can_cross_threads() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<CsvRow>();
        send_sync::<CsvTable>();
        send_sync::<CsvError>();
    }
}
