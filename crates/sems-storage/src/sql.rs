//! A small builder for SQL with numbered `$n` parameters, which both engines accept, for the queries
//! whose shape depends on filters (lists, the access filter).

use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::Any;

#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Int(i64),
    Text(String),
    NullInt,
    NullText,
}

impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Arg::Int(v)
    }
}
impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Text(v.to_string())
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Text(v)
    }
}
impl From<time::Date> for Arg {
    /// A day, stored as `YYYY-MM-DD` text.
    fn from(v: time::Date) -> Self {
        Arg::Text(sems_domain::util::format_date(v))
    }
}
impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Self {
        v.map(Arg::Int).unwrap_or(Arg::NullInt)
    }
}
impl From<Option<String>> for Arg {
    fn from(v: Option<String>) -> Self {
        v.map(Arg::Text).unwrap_or(Arg::NullText)
    }
}

/// Binds every argument to a query, whichever of sqlx's query types it is (they share no
/// trait for `bind`).
macro_rules! bind_all {
    ($q:ident, $args:expr) => {{
        let mut q = $q;
        for arg in &$args {
            q = match arg {
                Arg::Int(v) => q.bind(*v),
                Arg::Text(v) => q.bind(v.as_str()),
                Arg::NullInt => q.bind(None::<i64>),
                Arg::NullText => q.bind(None::<String>),
            };
        }
        q
    }};
}

#[derive(Debug, Clone, Default)]
pub struct Sql {
    text: String,
    args: Vec<Arg>,
}

impl Sql {
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_string(),
            args: Vec::new(),
        }
    }

    /// Appends SQL text.
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a numbered parameter bound to `arg`.
    pub fn bind(&mut self, arg: impl Into<Arg>) -> &mut Self {
        self.args.push(arg.into());
        self.text.push('$');
        self.text.push_str(&self.args.len().to_string());
        self
    }

    /// Appends `(v1, v2, …)` with each value bound: for `IN` over a set of words the domain
    /// defines once (for example `FindingStatus::AWAITING_ORGANISATION`).
    pub fn bind_list<T: Into<Arg> + Clone>(&mut self, values: &[T]) -> &mut Self {
        self.push("(");
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind(v.clone());
        }
        self.push(")")
    }

    /// Appends another fragment, renumbering its parameters.
    pub fn append(&mut self, other: &Sql) -> &mut Self {
        let offset = self.args.len();
        let mut chars = other.text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '$' && chars.peek().is_some_and(|d| d.is_ascii_digit()) {
                let mut n = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    n.push(*d);
                    chars.next();
                }
                let index: usize = n.parse().unwrap_or(0);
                self.text.push('$');
                self.text.push_str(&(index + offset).to_string());
            } else {
                self.text.push(c);
            }
        }
        self.args.extend(other.args.iter().cloned());
        self
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn args(&self) -> &[Arg] {
        &self.args
    }

    /// The sqlx query with every argument bound.
    pub fn query(&self) -> Query<'_, Any, AnyArguments<'_>> {
        let q = sqlx::query(&self.text);
        bind_all!(q, self.args)
    }

    /// The sqlx query decoding the first column of each row into `T`, every argument bound.
    pub fn query_scalar<T>(&self) -> sqlx::query::QueryScalar<'_, Any, T, AnyArguments<'_>>
    where
        (T,): for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        let q = sqlx::query_scalar::<Any, T>(&self.text);
        bind_all!(q, self.args)
    }

    /// The sqlx query decoding each row into `T` (`#[derive(sqlx::FromRow)]`), every argument
    /// bound.
    pub fn query_as<T>(&self) -> sqlx::query::QueryAs<'_, Any, T, AnyArguments<'_>>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        let q = sqlx::query_as::<Any, T>(&self.text);
        bind_all!(q, self.args)
    }
}

/// A `LIKE ... ESCAPE '\'` pattern that finds `term` anywhere, case-insensitively.
pub fn like_pattern(term: &str) -> String {
    format!("%{}%", like_escape(&term.trim().to_lowercase()))
}

/// Escapes `%`, `_` and `\` so text matches literally inside `LIKE ... ESCAPE '\'`.
pub fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Appends a word search: every word (at most eight) must appear, in any order, in one of
/// `columns` (compared lower-case, so the columns are searched as `LOWER(column)`).
pub fn all_words_like(cond: &mut Sql, search: &str, columns: &[&str]) {
    for word in search.split_whitespace().take(8) {
        let pattern = like_pattern(word);
        cond.push(" AND (");
        for (i, c) in columns.iter().enumerate() {
            if i > 0 {
                cond.push(" OR ");
            }
            cond.push(&format!("LOWER({c}) LIKE "))
                .bind(pattern.clone())
                .push(" ESCAPE '\\'");
        }
        cond.push(")");
    }
}

/// Runs a list: counts the rows of `from` matching `cond`, then fetches one page of
/// `select … WHERE cond ORDER BY order_by`, mapping each row with `map`. Every list of sems
/// goes through here, so counting and paging work alike everywhere.
pub async fn fetch_page<T>(
    conn: &mut crate::Conn,
    from: &str,
    select: &str,
    cond: &Sql,
    order_by: &str,
    page: sems_domain::page::PageRequest,
) -> crate::Result<sems_domain::page::Page<T>>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    // Counted up to the cap: a bounded scan whatever the table's size.
    let mut count = Sql::new(&format!(
        "SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM {from} WHERE "
    ));
    count
        .append(cond)
        .push(" LIMIT ")
        .bind(sems_domain::page::COUNT_CAP + 1)
        .push(") counted");
    let total: i64 = count.query_scalar().fetch_one(&mut *conn).await?;
    let mut rows = Sql::new(&format!("{select} WHERE "));
    rows.append(cond)
        .push(" ORDER BY ")
        .push(order_by)
        .push(" LIMIT ")
        .bind(page.limit())
        .push(" OFFSET ")
        .bind(page.offset());
    let fetched: Vec<T> = rows.query_as().fetch_all(&mut *conn).await?;
    Ok(sems_domain::page::Page::counted(fetched, page, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_numbered_and_renumbered() {
        let mut inner = Sql::new("a = ");
        inner.bind(1).push(" AND b = ").bind("x");
        let mut outer = Sql::new("SELECT * FROM t WHERE c = ");
        outer.bind(5).push(" AND (").append(&inner).push(")");
        assert_eq!(
            outer.text(),
            "SELECT * FROM t WHERE c = $1 AND (a = $2 AND b = $3)"
        );
        assert_eq!(outer.args().len(), 3);
    }

    #[test]
    fn like_patterns_are_escaped() {
        assert_eq!(like_pattern(" 50%_A "), "%50\\%\\_a%");
    }
}
