//! XLSX exports: one sheet with a bold, frozen header carrying a filter, text and numbers,
//! written by `rust_xlsxwriter`.
//!
//! Text is written as strings, which a spreadsheet never evaluates as a formula, so unlike
//! CSV it needs no defusing: "=HYPERLINK(…)" stays the text it is.
//!
//! Limits are the format's (1,048,576 rows, 16,384 columns), reported as an error; callers
//! cap their exports far below them (the risk register at most 200,000 rows).

use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// A cell value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text, written as an inline string.
    Text(String),
    /// A number; a non-finite one (NaN, infinity) is written as an empty cell.
    Number(f64),
}

impl From<String> for Cell {
    fn from(v: String) -> Self {
        Cell::Text(v)
    }
}

impl From<time::Date> for Cell {
    fn from(v: time::Date) -> Self {
        Cell::Text(sems_domain::util::format_date(v))
    }
}

impl From<&str> for Cell {
    fn from(v: &str) -> Self {
        Cell::Text(v.to_string())
    }
}

impl From<i64> for Cell {
    fn from(v: i64) -> Self {
        // Exact up to 2^53, which is also all the precision a spreadsheet keeps.
        Cell::Number(v as f64)
    }
}

/// A workbook with one sheet, as the bytes of an .xlsx file.
///
/// The header row is bold, frozen and carries an auto-filter over the used range; rows may be
/// shorter or longer than the header.
pub fn workbook(
    sheet_name: &str,
    header: &[&str],
    rows: &[Vec<Cell>],
) -> Result<Vec<u8>, XlsxError> {
    let columns = header
        .len()
        .max(rows.iter().map(Vec::len).max().unwrap_or(0))
        .max(1);
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name_of(sheet_name))?;
    let bold = Format::new().set_bold();
    for (i, h) in header.iter().enumerate() {
        sheet.write_string_with_format(0, column(i)?, *h, &bold)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let at = u32::try_from(r + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (i, cell) in row.iter().enumerate() {
            match cell {
                Cell::Number(v) if v.is_finite() => {
                    sheet.write_number(at, column(i)?, *v)?;
                }
                // A non-finite number is no value a spreadsheet holds: the cell stays empty.
                Cell::Number(_) => {}
                Cell::Text(t) => {
                    sheet.write_string(at, column(i)?, t)?;
                }
            }
        }
    }
    for (i, width) in column_widths(header, rows, columns).iter().enumerate() {
        // Two characters more than the text, for the filter button and a little margin.
        sheet.set_column_width(column(i)?, (width + 2) as f64)?;
    }
    let last_row = u32::try_from(rows.len()).map_err(|_| XlsxError::RowColumnLimitError)?;
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, last_row, column(columns - 1)?)?;
    book.save_to_buffer()
}

/// A zero-based column index as the writer takes it.
fn column(index: usize) -> Result<u16, XlsxError> {
    u16::try_from(index).map_err(|_| XlsxError::RowColumnLimitError)
}

/// A sheet name Excel accepts: none of []:*?/\, no apostrophe at either end, at most 31
/// characters and not empty. Excel refuses to open a file that breaks any of these.
fn sheet_name_of(requested: &str) -> String {
    let allowed: String = requested
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .filter(|c| !c.is_control())
        .collect();
    let trimmed: String = allowed
        .trim_matches(|c: char| c == '\'' || c.is_whitespace())
        .chars()
        .take(31)
        .collect();
    // Taking 31 characters may have left an apostrophe or a space at the end.
    let trimmed = trimmed.trim_end_matches(|c: char| c == '\'' || c.is_whitespace());
    if trimmed.is_empty() {
        "Sheet1".to_string()
    } else {
        trimmed.to_string()
    }
}

/// The width a column needs: its longest line in characters, within 8..=60 so that a
/// long description does not push every other column off the screen.
fn column_widths(header: &[&str], rows: &[Vec<Cell>], columns: usize) -> Vec<usize> {
    let mut widths: Vec<usize> = (0..columns)
        .map(|i| header.get(i).map_or(0, |h| h.chars().count()))
        .collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            let len = match cell {
                Cell::Text(t) => t.lines().map(|l| l.chars().count()).max().unwrap_or(0),
                Cell::Number(n) => n.to_string().len(),
            };
            *width = (*width).max(len);
        }
    }
    widths.into_iter().map(|w| w.clamp(8, 60)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::io::Read;

    /// Every part of the file, by name, as text.
    fn unzip(bytes: &[u8]) -> HashMap<String, String> {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip file");
        let mut files = HashMap::new();
        for i in 0..archive.len() {
            let mut part = archive.by_index(i).expect("a part");
            let mut text = String::new();
            part.read_to_string(&mut text).expect("text");
            let name = part.name().expect("a part name").to_string();
            files.insert(name, text);
        }
        files
    }

    fn sample() -> Vec<u8> {
        workbook(
            "Risk register: [all]",
            &["Organisation", "Score"],
            &[
                vec!["a < b & c".into(), Cell::from(42)],
                vec!["bell\u{7}rings".into(), Cell::Number(f64::NAN)],
                vec!["=HYPERLINK(\"x\")".into()],
                vec!["x".into(), Cell::Number(2.5), "extra".into()],
            ],
        )
        .expect("a workbook")
    }

    #[test]
    fn a_workbook_holds_one_named_sheet_with_a_bold_header() {
        let files = unzip(&sample());
        assert!(files.contains_key("[Content_Types].xml"));
        let workbook = &files["xl/workbook.xml"];
        assert!(
            workbook.contains(r#"name="Risk register all""#),
            "{workbook}"
        );
        assert!(
            workbook.contains("'Risk register all'!$A$1:$C$5"),
            "the filter range covers the used cells: {workbook}"
        );
        assert!(files["xl/styles.xml"].contains("<b/>"));
    }

    #[test]
    fn the_sheet_holds_text_numbers_and_the_header_layout() {
        let files = unzip(&sample());
        let sheet = &files["xl/worksheets/sheet1.xml"];
        let strings = &files["xl/sharedStrings.xml"];
        assert!(strings.contains("<t>Organisation</t>"), "{strings}");
        assert!(strings.contains("<t>a &lt; b &amp; c</t>"), "{strings}");
        assert!(sheet.contains(r#"<c r="B2"><v>42</v></c>"#), "{sheet}");
        assert!(sheet.contains(r#"<c r="B5"><v>2.5</v></c>"#), "{sheet}");
        assert!(
            !sheet.contains(r#"r="B3""#),
            "NaN leaves the cell empty: {sheet}"
        );
        assert!(
            strings.contains("=HYPERLINK(&quot;x&quot;)") || strings.contains("=HYPERLINK(\"x\")"),
            "text stays a string: {strings}"
        );
        assert!(
            !sheet.contains("<f>"),
            "no formula is ever written: {sheet}"
        );
        assert!(sheet.contains(r#"<dimension ref="A1:C5"/>"#), "{sheet}");
        assert!(sheet.contains(r#"<autoFilter ref="A1:C5"/>"#), "{sheet}");
        assert!(sheet.contains(r#"ySplit="1""#) && sheet.contains(r#"state="frozen""#));
        assert!(
            sheet.contains(r#"width="17.7109375""#) || sheet.contains(r#"width="17""#),
            "{sheet}"
        );
    }

    #[test]
    fn a_control_character_does_not_break_the_file() {
        let files = unzip(&sample());
        assert!(files["xl/sharedStrings.xml"].contains("bell"));
        assert!(!files["xl/sharedStrings.xml"].contains('\u{7}'));
    }

    #[test]
    fn sheet_names_are_made_acceptable() {
        assert_eq!(sheet_name_of("Risk register"), "Risk register");
        assert_eq!(sheet_name_of("a/b\\c?d*e[f]g:h"), "abcdefgh");
        assert_eq!(sheet_name_of("'quoted'"), "quoted");
        assert_eq!(sheet_name_of(" []* "), "Sheet1");
        assert_eq!(sheet_name_of(""), "Sheet1");
        assert_eq!(sheet_name_of(&"x".repeat(40)).chars().count(), 31);
        assert_eq!(
            sheet_name_of(&format!("{}' tail", "y".repeat(30))),
            "y".repeat(30)
        );
        for odd in ["a/b\\c?d*e[f]g:h", "'quoted'", " []* ", "", &"x".repeat(40)] {
            assert!(workbook(odd, &["A"], &[]).is_ok(), "{odd}");
        }
    }

    #[test]
    fn an_empty_sheet_is_valid() {
        let files = unzip(&workbook("Empty", &[], &[]).expect("a workbook"));
        assert!(files.contains_key("xl/worksheets/sheet1.xml"));
    }
}
