//! A minimal XLSX writer: one sheet, a bold frozen header with a filter, text and numbers.
//! The ZIP container is written by hand with stored (uncompressed) entries, which every
//! spreadsheet reads, so sems needs no compression or spreadsheet dependency for its exports.
//!
//! Text is written as inline strings, which a spreadsheet never evaluates as a formula, so
//! unlike CSV it needs no defusing. Without ZIP64 an archive must stay under 4 GiB: exports
//! are capped by the caller (the register at most 200,000 rows) far below that.

/// A cell value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
}

impl From<String> for Cell {
    fn from(v: String) -> Self {
        Cell::Text(v)
    }
}

impl From<&str> for Cell {
    fn from(v: &str) -> Self {
        Cell::Text(v.to_string())
    }
}

impl From<i64> for Cell {
    fn from(v: i64) -> Self {
        Cell::Number(v as f64)
    }
}

/// A workbook with one sheet, as the bytes of an .xlsx file.
pub fn workbook(sheet_name: &str, header: &[&str], rows: &[Vec<Cell>]) -> Vec<u8> {
    let parts = [
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", ROOT_RELS.to_string()),
        ("xl/workbook.xml", workbook_xml(sheet_name)),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.to_string()),
        ("xl/styles.xml", STYLES.to_string()),
        ("xl/worksheets/sheet1.xml", sheet_xml(header, rows)),
    ];
    let mut zip = ZipWriter::default();
    for (name, content) in &parts {
        zip.add(name, content.as_bytes());
    }
    zip.finish()
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;

const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs></styleSheet>"#;

fn workbook_xml(sheet_name: &str) -> String {
    let cleaned: String = sheet_name
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect();
    let name = if cleaned.trim().is_empty() {
        "Sheet1".to_string()
    } else {
        cleaned
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{}" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        escape(&name)
    )
}

/// The column letters of a zero-based index: 0 → A, 25 → Z, 26 → AA.
pub fn column_name(mut index: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// Escapes XML text and drops the characters XML 1.0 does not allow.
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
    out.push_str(&format!(
        r#"<c r="{reference}" t="inlineStr"{}><is><t xml:space="preserve">{}</t></is></c>"#,
        if style > 0 {
            format!(r#" s="{style}""#)
        } else {
            String::new()
        },
        escape(text)
    ));
}

fn sheet_xml(header: &[&str], rows: &[Vec<Cell>]) -> String {
    let columns = header
        .len()
        .max(rows.iter().map(Vec::len).max().unwrap_or(0))
        .max(1);
    let mut widths: Vec<usize> = (0..columns)
        .map(|i| header.get(i).map_or(0, |h| h.chars().count()))
        .collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            let len = match cell {
                Cell::Text(t) => t.lines().map(|l| l.chars().count()).max().unwrap_or(0),
                Cell::Number(n) => n.to_string().len(),
            };
            widths[i] = widths[i].max(len);
        }
    }
    let last = format!("{}{}", column_name(columns - 1), rows.len() + 1);
    let mut out = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
    );
    out.push_str(&format!(r#"<dimension ref="A1:{last}"/>"#));
    out.push_str(r#"<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>"#);
    out.push_str("<cols>");
    for (i, w) in widths.iter().enumerate() {
        out.push_str(&format!(
            r#"<col min="{n}" max="{n}" width="{}" customWidth="1"/>"#,
            (*w).clamp(8, 60) + 2,
            n = i + 1
        ));
    }
    out.push_str("</cols><sheetData>");
    out.push_str(r#"<row r="1">"#);
    for (i, h) in header.iter().enumerate() {
        text_cell(&mut out, &format!("{}1", column_name(i)), h, 1);
    }
    out.push_str("</row>");
    for (r, row) in rows.iter().enumerate() {
        let n = r + 2;
        out.push_str(&format!(r#"<row r="{n}">"#));
        for (i, cell) in row.iter().enumerate() {
            let reference = format!("{}{n}", column_name(i));
            match cell {
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

/// CRC-32 (IEEE 802.3), as ZIP needs it.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for b in bytes {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

/// Writes a ZIP archive of stored entries.
#[derive(Default)]
struct ZipWriter {
    out: Vec<u8>,
    central: Vec<u8>,
    entries: u16,
}

/// 1980-01-01 00:00 in DOS format: a fixed time keeps exports byte-for-byte reproducible.
const DOS_TIME: u16 = 0;
const DOS_DATE: u16 = (1 << 5) | 1;

fn u16_le(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn u32_le(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// Sizes and offsets in a ZIP without ZIP64; the callers keep archives far below 4 GiB.
fn size32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl ZipWriter {
    fn add(&mut self, name: &str, data: &[u8]) {
        let crc = crc32(data);
        let offset = size32(self.out.len());
        let size = size32(data.len());
        let name_len = u16::try_from(name.len()).unwrap_or(u16::MAX);
        // Local file header.
        u32_le(&mut self.out, 0x0403_4b50);
        u16_le(&mut self.out, 20); // version needed
        u16_le(&mut self.out, 1 << 11); // UTF-8 names
        u16_le(&mut self.out, 0); // stored
        u16_le(&mut self.out, DOS_TIME);
        u16_le(&mut self.out, DOS_DATE);
        u32_le(&mut self.out, crc);
        u32_le(&mut self.out, size);
        u32_le(&mut self.out, size);
        u16_le(&mut self.out, name_len);
        u16_le(&mut self.out, 0);
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(data);
        // Central directory header.
        let c = &mut self.central;
        u32_le(c, 0x0201_4b50);
        u16_le(c, 20); // version made by
        u16_le(c, 20); // version needed
        u16_le(c, 1 << 11);
        u16_le(c, 0);
        u16_le(c, DOS_TIME);
        u16_le(c, DOS_DATE);
        u32_le(c, crc);
        u32_le(c, size);
        u32_le(c, size);
        u16_le(c, name_len);
        u16_le(c, 0); // extra
        u16_le(c, 0); // comment
        u16_le(c, 0); // disk
        u16_le(c, 0); // internal attributes
        u32_le(c, 0); // external attributes
        u32_le(c, offset);
        c.extend_from_slice(name.as_bytes());
        self.entries += 1;
    }

    fn finish(mut self) -> Vec<u8> {
        let central_offset = size32(self.out.len());
        let central_size = size32(self.central.len());
        self.out.append(&mut self.central);
        u32_le(&mut self.out, 0x0605_4b50);
        u16_le(&mut self.out, 0);
        u16_le(&mut self.out, 0);
        u16_le(&mut self.out, self.entries);
        u16_le(&mut self.out, self.entries);
        u32_le(&mut self.out, central_size);
        u32_le(&mut self.out, central_offset);
        u16_le(&mut self.out, 0);
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
    fn le32(b: &[u8], at: usize) -> u32 {
        u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
    }

    /// Reads a stored ZIP through its central directory, checking every CRC.
    fn unzip(b: &[u8]) -> HashMap<String, String> {
        let end = b.len() - 22;
        assert_eq!(le32(b, end), 0x0605_4b50, "end of central directory");
        let count = le16(b, end + 10);
        let mut at = le32(b, end + 16) as usize;
        let mut files = HashMap::new();
        for _ in 0..count {
            assert_eq!(le32(b, at), 0x0201_4b50);
            let crc = le32(b, at + 16);
            let size = le32(b, at + 20) as usize;
            let name_len = le16(b, at + 28);
            let local = le32(b, at + 42) as usize;
            let name = String::from_utf8(b[at + 46..at + 46 + name_len].to_vec()).unwrap();
            assert_eq!(le32(b, local), 0x0403_4b50);
            let data_at = local + 30 + le16(b, local + 26) + le16(b, local + 28);
            let data = &b[data_at..data_at + size];
            assert_eq!(crc32(data), crc, "crc of {name}");
            files.insert(name, String::from_utf8(data.to_vec()).unwrap());
            at += 46 + name_len;
        }
        files
    }

    #[test]
    fn crc_of_the_check_string() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn column_letters() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
    }

    #[test]
    fn a_workbook_holds_its_parts_and_cells() {
        let bytes = workbook(
            "Risk register: [all]",
            &["Organisation", "Score"],
            &[
                vec!["a < b & c".into(), Cell::from(42)],
                vec!["bell\u{7}rings".into(), Cell::Number(f64::NAN)],
                vec!["=HYPERLINK(\"x\")".into()],
            ],
        );
        let files = unzip(&bytes);
        for part in [
            "[Content_Types].xml",
            "_rels/.rels",
            "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels",
            "xl/styles.xml",
            "xl/worksheets/sheet1.xml",
        ] {
            assert!(files.contains_key(part), "{part}");
        }
        assert!(files["xl/workbook.xml"].contains(r#"name="Risk register all""#));
        let sheet = &files["xl/worksheets/sheet1.xml"];
        assert!(
            sheet.contains(r#"<c r="A1" t="inlineStr" s="1">"#),
            "{sheet}"
        );
        assert!(sheet.contains("a &lt; b &amp; c"));
        assert!(sheet.contains(r#"<c r="B2"><v>42</v></c>"#));
        assert!(sheet.contains("bellrings"), "control character dropped");
        assert!(sheet.contains(r#"<autoFilter ref="A1:B4"/>"#));
        assert!(sheet.contains(r#"state="frozen""#));
        assert!(
            sheet.contains("=HYPERLINK(&quot;x&quot;)</t></is>"),
            "text stays an inline string"
        );
        assert!(files["xl/styles.xml"].contains("<b/>"));
        assert_eq!(workbook("x", &["a"], &[]), workbook("x", &["a"], &[]));
    }
}
