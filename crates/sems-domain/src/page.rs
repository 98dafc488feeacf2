//! Pagination of lists: every list in sems is paged in the database.

use serde::Serialize;

pub const DEFAULT_PER_PAGE: u32 = 50;
pub const MAX_PER_PAGE: u32 = 200;

/// Lists count at most this many rows: counting a table of millions on every request would
/// cost more than the page itself. Past it, `total` is this bound and `total_exact` is false
/// ("more than 10,000"); the next page is known from a full page.
pub const COUNT_CAP: i64 = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// 1-based page number.
    pub page: u32,
    pub per_page: u32,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

impl PageRequest {
    /// Clamps what a client asked for into the allowed range.
    pub fn new(page: Option<u32>, per_page: Option<u32>) -> Self {
        Self {
            page: page.unwrap_or(1).max(1),
            per_page: per_page.unwrap_or(DEFAULT_PER_PAGE).clamp(1, MAX_PER_PAGE),
        }
    }

    pub fn offset(&self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }

    pub fn limit(&self) -> i64 {
        i64::from(self.per_page)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub per_page: u32,
    /// How many rows match, up to [`COUNT_CAP`].
    pub total: i64,
    /// False when more rows match than were counted.
    pub total_exact: bool,
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
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        };
        assert_eq!(p.pages(), 3);
        assert!(p.has_next());
    }
}
