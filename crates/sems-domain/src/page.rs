//! Pagination of lists: every list in sems is paged in the database.

use crate::ValidationError;
use base64::Engine;
use serde::{Deserialize, Serialize};

pub const DEFAULT_PER_PAGE: u32 = 50;
pub const MAX_PER_PAGE: u32 = 200;

/// Lists count at most this many rows: counting a table of millions on every request would
/// cost more than the page itself. Past it, `total` is this bound and `total_exact` is false
/// ("more than 1,000"); the next page is known from a full page. At a million rows, counting
/// ten thousand of one organisation's cost more than the page itself (`sems bench lists`).
pub const COUNT_CAP: i64 = 1_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    /// 1-based page number (ignored when `after` is given).
    pub page: u32,
    pub per_page: u32,
    /// The rows after this position of the list (a `next_cursor` the list gave): a page found
    /// by an index seek, as fast deep in a table of millions as at its start.
    pub after: Option<Vec<CursorValue>>,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            page: 1,
            per_page: DEFAULT_PER_PAGE,
            after: None,
        }
    }
}

/// One value of a position in a list: the list's order keys of its last row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CursorValue {
    Int(i64),
    Text(String),
}

/// A position as the client carries it: opaque, URL-safe.
pub fn encode_cursor(values: &[CursorValue]) -> String {
    let json = serde_json::to_vec(values).unwrap_or_default();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
}

/// A position a client sent back; refused when it is not one a list gave.
pub fn decode_cursor(text: &str) -> Result<Vec<CursorValue>, ValidationError> {
    let refused = || ValidationError::new("cursor", "is not a position this list gave");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text.trim())
        .map_err(|_| refused())?;
    let values: Vec<CursorValue> = serde_json::from_slice(&bytes).map_err(|_| refused())?;
    if values.is_empty() || values.len() > 8 {
        return Err(refused());
    }
    Ok(values)
}

impl PageRequest {
    /// Clamps what a client asked for into the allowed range.
    pub fn new(page: Option<u32>, per_page: Option<u32>) -> Self {
        Self {
            page: page.unwrap_or(1).max(1),
            per_page: per_page.unwrap_or(DEFAULT_PER_PAGE).clamp(1, MAX_PER_PAGE),
            after: None,
        }
    }

    /// The same request continuing after `cursor` (a list's `next_cursor`), when given.
    pub fn after(mut self, cursor: Option<&str>) -> Result<Self, ValidationError> {
        if let Some(c) = cursor.filter(|c| !c.trim().is_empty()) {
            self.after = Some(decode_cursor(c)?);
        }
        Ok(self)
    }

    pub fn offset(&self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }

    pub fn limit(&self) -> i64 {
        i64::from(self.per_page)
    }
}

/// A page of a list, as every list of the API answers it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub per_page: u32,
    /// How many rows match, counted up to 1,000 ([`COUNT_CAP`]).
    pub total: i64,
    /// False when more rows match than were counted.
    pub total_exact: bool,
    /// The position after this page's last row, when the page is full: sent back as
    /// `cursor`, it gives the next page by an index seek.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// A page of `items`, with the count of rows taken up to the cap: `counted` is the
    /// result of counting at most `COUNT_CAP + 1` rows.
    pub fn counted(items: Vec<T>, request: PageRequest, counted: i64) -> Self {
        Self {
            items,
            page: request.page,
            per_page: request.per_page,
            total: counted.min(COUNT_CAP),
            total_exact: counted <= COUNT_CAP,
            next_cursor: None,
        }
    }

    /// The same page with other items (a view of each row), count unchanged.
    pub fn with_items<U>(self, items: Vec<U>) -> Page<U> {
        Page {
            items,
            page: self.page,
            per_page: self.per_page,
            total: self.total,
            total_exact: self.total_exact,
            next_cursor: self.next_cursor,
        }
    }

    pub fn pages(&self) -> u32 {
        let per = i64::from(self.per_page.max(1));
        u32::try_from((self.total + per - 1) / per)
            .unwrap_or(u32::MAX)
            .max(1)
    }
    pub fn has_next(&self) -> bool {
        self.page < self.pages()
            || (!self.total_exact && self.items.len() == self.per_page as usize)
    }
    pub fn has_prev(&self) -> bool {
        self.page > 1
    }
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            page: self.page,
            per_page: self.per_page,
            total: self.total,
            total_exact: self.total_exact,
            next_cursor: self.next_cursor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_foreign_ones_are_refused() {
        let values = vec![CursorValue::Int(-3), CursorValue::Text("Ab, \"c\"".into())];
        let text = encode_cursor(&values);
        assert!(text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_eq!(decode_cursor(&text).unwrap(), values);
        let request = PageRequest::new(None, Some(20)).after(Some(&text)).unwrap();
        assert_eq!(request.after, Some(values));
        assert_eq!(
            PageRequest::new(None, None).after(Some("")).unwrap().after,
            None
        );
        for bad in ["not base64!", "e30", "W10"] {
            assert_eq!(decode_cursor(bad).unwrap_err().field, "cursor", "{bad}");
        }
    }

    #[test]
    fn a_count_past_the_cap_is_a_lower_bound_and_paging_goes_on() {
        let request = PageRequest::new(Some(50), Some(200));
        let full = Page::counted(vec![0; 200], request, COUNT_CAP + 1);
        assert_eq!((full.total, full.total_exact), (COUNT_CAP, false));
        assert!(full.has_next(), "a full page past the count has a next one");
        let last = Page::counted(
            vec![0; 3],
            PageRequest::new(Some(60), Some(200)),
            COUNT_CAP + 1,
        );
        assert!(!last.has_next());
        let exact = Page::counted(vec![0; 10], PageRequest::new(Some(1), Some(10)), 25);
        assert!(exact.total_exact && exact.has_next() && exact.pages() == 3);
    }

    #[test]
    fn clamps_and_counts() {
        let r = PageRequest::new(Some(0), Some(10_000));
        assert_eq!((r.page, r.per_page), (1, MAX_PER_PAGE));
        assert_eq!(PageRequest::new(Some(3), Some(20)).offset(), 40);
        let p: Page<u8> = Page {
            items: vec![],
            page: 1,
            per_page: 20,
            total: 41,
            total_exact: true,
            next_cursor: None,
        };
        assert_eq!(p.pages(), 3);
        assert!(p.has_next());
    }
}
