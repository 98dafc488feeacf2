//! A minimal XLSX writer: one sheet, a bold frozen header with a filter, text and numbers.
//! The ZIP container is written by hand with stored (uncompressed) entries, which every
//! spreadsheet reads, so sems needs no compression or spreadsheet dependency for its exports.
//!
//! Text is written as inline strings, which a spreadsheet never evaluates as a formula, so
//! unlike CSV it needs no defusing: "=HYPERLINK(…)" stays the text it is.
//!
//! Limits: without ZIP64 an archive must stay under 4 GiB and hold fewer than 65,536 parts.
//! The writer does not panic past that (sizes saturate, which makes a corrupt file), so
//! callers cap their exports far below it (the risk register at most 200,000 rows).

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
/// shorter or longer than the header. The output depends only on the input (the ZIP entries
/// carry a fixed date), so the same data always gives the same bytes.
pub fn workbook(sheet_name: &str, header: &[&str], rows: &[Vec<Cell>]) -> Vec<u8> {
    let name = sheet_name_of(sheet_name);
    let columns = header
        .len()
        .max(rows.iter().map(Vec::len).max().unwrap_or(0))
        .max(1);
    let last_column = column_name(columns - 1);
    let last_row = rows.len() + 1;
    let parts = [
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", ROOT_RELS.to_string()),
        (
            "xl/workbook.xml",
            workbook_xml(&name, &last_column, last_row),
        ),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.to_string()),
        ("xl/styles.xml", STYLES.to_string()),
        (
            "xl/worksheets/sheet1.xml",
            sheet_xml(header, rows, columns, &format!("{last_column}{last_row}")),
        ),
    ];
    let mut zip = ZipWriter::default();
    for (part, content) in &parts {
        zip.add(part, content.as_bytes());
    }
    zip.finish()
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;

/// Style 0 is the default, style 1 the bold header. Excel requires the two fills
/// (none, gray125) to be present even though nothing uses them.
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"#;

/// The style index of the bold header cells in `STYLES`.
const BOLD: u8 = 1;

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

fn workbook_xml(sheet_name: &str, last_column: &str, last_row: usize) -> String {
    // Excel records the filter range as this hidden name as well as on the sheet; writing it
    // the same way keeps the filter working in every spreadsheet that reads it from either.
    let filter_range = format!(
        "'{}'!$A$1:${last_column}${last_row}",
        sheet_name.replace('\'', "''")
    );
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{}" sheetId="1" r:id="rId1"/></sheets><definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">{}</definedName></definedNames></workbook>"#,
        escape(sheet_name),
        escape(&filter_range)
    )
}

/// The column letters of a zero-based index: 0 → A, 25 → Z, 26 → AA, 702 → AAA.
pub fn column_name(index: usize) -> String {
    // Bijective base 26: there is no zero digit, so each step takes one off before dividing.
    let mut letters = Vec::new();
    let mut rest = index;
    loop {
        letters.push(char::from(b'A' + (rest % 26) as u8));
        if rest < 26 {
            break;
        }
        rest = rest / 26 - 1;
    }
    letters.iter().rev().collect()
}

/// Escapes XML text and drops the characters XML 1.0 does not allow (control characters
/// other than tab, LF and CR, and U+FFFE/U+FFFF): a spreadsheet refuses the whole file
/// over a single one of them.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

fn text_cell(out: &mut String, reference: &str, text: &str, style: u8) {
    out.push_str(&format!(r#"<c r="{reference}" t="inlineStr""#));
    if style > 0 {
        out.push_str(&format!(r#" s="{style}""#));
    }
    // Inline strings are never evaluated, so text starting with = + - @ is not defused.
    out.push_str(r#"><is><t xml:space="preserve">"#);
    out.push_str(&escape(text));
    out.push_str("</t></is></c>");
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

fn sheet_xml(header: &[&str], rows: &[Vec<Cell>], columns: usize, last: &str) -> String {
    let mut out = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
    );
    // The element order is fixed by the schema: dimension, sheetViews, cols, sheetData,
    // autoFilter. Excel reports a damaged file when it is not followed.
    out.push_str(&format!(r#"<dimension ref="A1:{last}"/>"#));
    out.push_str(r#"<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>"#);
    out.push_str("<cols>");
    for (i, width) in column_widths(header, rows, columns).iter().enumerate() {
        // Two characters more than the text, for the filter button and a little margin.
        out.push_str(&format!(
            r#"<col min="{n}" max="{n}" width="{}" customWidth="1"/>"#,
            width + 2,
            n = i + 1
        ));
    }
    out.push_str("</cols><sheetData>");
    out.push_str(r#"<row r="1">"#);
    for (i, h) in header.iter().enumerate() {
        text_cell(&mut out, &format!("{}1", column_name(i)), h, BOLD);
    }
    out.push_str("</row>");
    for (r, row) in rows.iter().enumerate() {
        let n = r + 2;
        out.push_str(&format!(r#"<row r="{n}">"#));
        for (i, cell) in row.iter().enumerate() {
            let reference = format!("{}{n}", column_name(i));
            match cell {
                // Display of an f64 never uses an exponent and round-trips, which is a
                // valid xsd:double as the <v> element wants.
                Cell::Number(v) if v.is_finite() => {
                    out.push_str(&format!(r#"<c r="{reference}"><v>{v}</v></c>"#));
                }
                Cell::Number(_) => text_cell(&mut out, &reference, "", 0),
                Cell::Text(t) => text_cell(&mut out, &reference, t, 0),
            }
        }
        out.push_str("</row>");
    }
    out.push_str(&format!(
        r#"</sheetData><autoFilter ref="A1:{last}"/></worksheet>"#
    ));
    out
}

/// The CRC-32 lookup table (IEEE 802.3, reflected polynomial 0xEDB88320), built at compile time.
const CRC_TABLE: [u32; 256] = crc_table();

const fn crc_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut c = n as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[n] = c;
        n += 1;
    }
    table
}

/// CRC-32 (IEEE 802.3), the checksum ZIP stores for every entry.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc = CRC_TABLE[((crc ^ u32::from(b)) & 0xFF) as usize] ^ (crc >> 8);
    }
    !crc
}

/// Writes a ZIP archive of stored (uncompressed) entries.
#[derive(Default)]
struct ZipWriter {
    out: Vec<u8>,
    central: Vec<u8>,
    entries: u16,
}

/// 1980-01-01 00:00 in DOS format (the earliest DOS date): a fixed time keeps exports
/// byte-for-byte reproducible.
const DOS_TIME: u16 = 0;
const DOS_DATE: u16 = (1 << 5) | 1;

/// General purpose flag bit 11: file names are UTF-8.
const UTF8_NAMES: u16 = 1 << 11;

/// ZIP 2.0, the lowest version that has directories and stored entries.
const ZIP_VERSION: u16 = 20;

fn u16_le(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn u32_le(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// A size or offset in a ZIP without ZIP64 (see the module limits).
fn size32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl ZipWriter {
    fn add(&mut self, name: &str, data: &[u8]) {
        let crc = crc32(data);
        let offset = size32(self.out.len());
        let size = size32(data.len());
        let name_len = u16::try_from(name.len()).unwrap_or(u16::MAX);

        let local = &mut self.out;
        u32_le(local, 0x0403_4b50); // local file header signature
        u16_le(local, ZIP_VERSION); // version needed to extract
        u16_le(local, UTF8_NAMES);
        u16_le(local, 0); // method: stored
        u16_le(local, DOS_TIME);
        u16_le(local, DOS_DATE);
        u32_le(local, crc);
        u32_le(local, size); // compressed size
        u32_le(local, size); // uncompressed size
        u16_le(local, name_len);
        u16_le(local, 0); // extra field length
        local.extend_from_slice(name.as_bytes());
        local.extend_from_slice(data);

        let central = &mut self.central;
        u32_le(central, 0x0201_4b50); // central directory header signature
        u16_le(central, ZIP_VERSION); // version made by (MS-DOS)
        u16_le(central, ZIP_VERSION); // version needed to extract
        u16_le(central, UTF8_NAMES);
        u16_le(central, 0); // method: stored
        u16_le(central, DOS_TIME);
        u16_le(central, DOS_DATE);
        u32_le(central, crc);
        u32_le(central, size);
        u32_le(central, size);
        u16_le(central, name_len);
        u16_le(central, 0); // extra field length
        u16_le(central, 0); // comment length
        u16_le(central, 0); // disk number start
        u16_le(central, 0); // internal attributes
        u32_le(central, 0); // external attributes
        u32_le(central, offset);
        central.extend_from_slice(name.as_bytes());

        self.entries = self.entries.saturating_add(1);
    }

    fn finish(mut self) -> Vec<u8> {
        let central_offset = size32(self.out.len());
        let central_size = size32(self.central.len());
        self.out.append(&mut self.central);
        let end = &mut self.out;
        u32_le(end, 0x0605_4b50); // end of central directory signature
        u16_le(end, 0); // this disk
        u16_le(end, 0); // disk with the central directory
        u16_le(end, self.entries); // entries on this disk
        u16_le(end, self.entries); // entries in total
        u32_le(end, central_size);
        u32_le(end, central_offset);
        u16_le(end, 0); // comment length
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn le16(b: &[u8], at: usize) -> usize {
        usize::from(u16::from_le_bytes([b[at], b[at + 1]]))
    }

    fn le32(b: &[u8], at: usize) -> usize {
        u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as usize
    }

    /// Reads a stored ZIP through its central directory, checking every entry's local
    /// header and CRC, and returns name → content.
    fn unzip(b: &[u8]) -> HashMap<String, String> {
        let end = b.len() - 22;
        assert_eq!(le32(b, end), 0x0605_4b50, "end of central directory");
        let count = le16(b, end + 10);
        assert_eq!(le16(b, end + 8), count);
        let central_size = le32(b, end + 12);
        let mut at = le32(b, end + 16);
        assert_eq!(
            at + central_size,
            end,
            "central directory ends at the end record"
        );
        let mut files = HashMap::new();
        for _ in 0..count {
            assert_eq!(le32(b, at), 0x0201_4b50, "central header");
            assert_eq!(le16(b, at + 10), 0, "stored");
            let crc = le32(b, at + 16) as u32;
            let size = le32(b, at + 20);
            assert_eq!(le32(b, at + 24), size, "stored sizes agree");
            let name_len = le16(b, at + 28);
            let extra_len = le16(b, at + 30);
            let comment_len = le16(b, at + 32);
            let local = le32(b, at + 42);
            let name = String::from_utf8(b[at + 46..at + 46 + name_len].to_vec()).unwrap();

            assert_eq!(le32(b, local), 0x0403_4b50, "local header of {name}");
            assert_eq!(le32(b, local + 14) as u32, crc, "local crc of {name}");
            assert_eq!(le32(b, local + 18), size, "local size of {name}");
            let local_name_len = le16(b, local + 26);
            assert_eq!(&b[local + 30..local + 30 + local_name_len], name.as_bytes());
            let data_at = local + 30 + local_name_len + le16(b, local + 28);
            let data = &b[data_at..data_at + size];
            assert_eq!(crc32(data), crc, "crc of {name}");
            files.insert(name, String::from_utf8(data.to_vec()).unwrap());
            at += 46 + name_len + extra_len + comment_len;
        }
        assert_eq!(at, end);
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
    }

    #[test]
    fn crc_of_the_check_string() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn column_letters() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(1), "B");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(27), "AB");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
        assert_eq!(column_name(16_383), "XFD");
    }

    #[test]
    fn a_workbook_holds_its_parts() {
        let files = unzip(&sample());
        let mut names: Vec<&str> = files.keys().map(String::as_str).collect();
        names.sort_unstable();
        assert_eq!(
            names,
            [
                "[Content_Types].xml",
                "_rels/.rels",
                "xl/_rels/workbook.xml.rels",
                "xl/styles.xml",
                "xl/workbook.xml",
                "xl/worksheets/sheet1.xml",
            ]
        );
        assert!(files["xl/styles.xml"].contains(r#"<cellXfs count="2">"#));
        assert!(files["xl/styles.xml"].contains("<font><b/>"));
        let workbook = &files["xl/workbook.xml"];
        assert!(
            workbook.contains(r#"name="Risk register all""#),
            "{workbook}"
        );
        assert!(
            workbook.contains("&apos;Risk register all&apos;!$A$1:$C$5"),
            "{workbook}"
        );
    }

    #[test]
    fn the_sheet_holds_escaped_text_numbers_and_the_header_layout() {
        let files = unzip(&sample());
        let sheet = &files["xl/worksheets/sheet1.xml"];
        assert!(
            sheet.contains(r#"<c r="A1" t="inlineStr" s="1"><is><t xml:space="preserve">Organisation</t></is></c>"#),
            "{sheet}"
        );
        assert!(sheet.contains(r#"<t xml:space="preserve">a &lt; b &amp; c</t>"#));
        assert!(sheet.contains(r#"<c r="B2"><v>42</v></c>"#));
        assert!(sheet.contains(r#"<c r="B5"><v>2.5</v></c>"#));
        assert!(
            sheet.contains(r#"<c r="B3" t="inlineStr"><is><t xml:space="preserve"></t></is></c>"#),
            "NaN becomes an empty cell"
        );
        assert!(sheet.contains(">bellrings<"), "control character dropped");
        assert!(
            sheet.contains(r#"<t xml:space="preserve">=HYPERLINK(&quot;x&quot;)</t>"#),
            "text stays an inline string"
        );
        assert!(sheet.contains(r#"<dimension ref="A1:C5"/>"#));
        assert!(sheet.contains(r#"<autoFilter ref="A1:C5"/>"#));
        assert!(sheet.contains(
            r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
        ));
        assert!(sheet.contains(r#"<col min="1" max="1" width="17" customWidth="1"/>"#));
        assert!(sheet.contains(r#"<col min="3" max="3" width="10" customWidth="1"/>"#));
    }

    #[test]
    fn escaping_covers_markup_and_drops_forbidden_characters() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;"
        );
        assert_eq!(escape("a\u{0}b\u{1b}c\u{fffe}d"), "abcd");
        assert_eq!(escape("tab\there\r\nnext"), "tab\there\r\nnext");
        assert_eq!(escape("größe ✓"), "größe ✓");
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
    }

    #[test]
    fn output_is_deterministic_and_an_empty_sheet_is_valid() {
        assert_eq!(sample(), sample());
        let files = unzip(&workbook("", &[], &[]));
        let sheet = &files["xl/worksheets/sheet1.xml"];
        assert!(sheet.contains(r#"<autoFilter ref="A1:A1"/>"#));
        assert!(files["xl/workbook.xml"].contains(r#"name="Sheet1""#));
    }
}
