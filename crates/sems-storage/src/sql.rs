//! A small builder for SQL with numbered `$n` parameters, which both engines accept, for the queries
//! whose shape depends on filters (lists, the access filter).

use sems_domain::page::CursorValue;
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::Any;

#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Int(i64),
    Text(String),
    NullInt,
    NullText,
    Float(f64),
    NullFloat,
}

impl From<f64> for Arg {
    fn from(v: f64) -> Self {
        Arg::Float(v)
    }
}
impl From<Option<f64>> for Arg {
    fn from(v: Option<f64>) -> Self {
        v.map(Arg::Float).unwrap_or(Arg::NullFloat)
    }
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
                Arg::Float(v) => q.bind(*v),
                Arg::NullFloat => q.bind(None::<i64>),
            };
        }
        q
    }};
}

#[derive(Debug, Clone, Default)]
pub struct Sql {
    text: String,
    args: Vec<Arg>,
    /// The condition keeps only rows found by index through the reader's own party or person
    /// (an organisation's few thousand of a national table): see [`Sql::reaches_by_index`].
    by_index: bool,
    /// The condition is a union of several kinds' look-ups (the action register's), costly
    /// to plan: see [`Sql::plans_once`].
    plan_once: bool,
}

impl Sql {
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_string(),
            args: Vec::new(),
            by_index: false,
            plan_once: false,
        }
    }

    /// Appends SQL text.
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a numbered parameter bound to `arg`. A missing number is written as `NULL`:
    /// sqlx's `Any` driver sends PostgreSQL a null `f64` in a form it refuses ("incorrect
    /// binary data format").
    pub fn bind(&mut self, arg: impl Into<Arg>) -> &mut Self {
        let arg = arg.into();
        if arg == Arg::NullFloat {
            self.text.push_str("NULL");
            return self;
        }
        self.args.push(arg);
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
        self.by_index |= other.by_index;
        self.plan_once |= other.plan_once;
        self
    }

    /// Marks a condition as keeping only rows reached by index (`id IN (… UNION …)` of the
    /// access filter), or not. Appending a marked condition marks the whole, so only AND it.
    pub fn set_by_index(&mut self, by_index: bool) -> &mut Self {
        self.by_index = by_index;
        self
    }

    /// Whether the condition keeps only rows reached by index: a page after a cursor is then
    /// read in one statement over those rows, rather than one range at a time over the table.
    pub fn reaches_by_index(&self) -> bool {
        self.by_index
    }

    /// Marks a condition reached by index through a union of several kinds' look-ups, which
    /// the list then counts and pages in one statement, planned once (`fetch_reached_page`).
    pub fn set_plan_once(&mut self) -> &mut Self {
        self.plan_once = true;
        self.by_index = true;
        self
    }

    /// Whether the list is counted and paged in one statement over the reached rows. Only for
    /// a union of kinds: that statement gathers every reached row before it cuts the page,
    /// which for one table's own rows (an airport's 100,000 reports) costs more than reading
    /// the order's index and testing each row until a page is full.
    pub fn plans_once(&self) -> bool {
        self.plan_once
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

/// What a key of a list's order holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Int,
    Text,
}

/// One key of a list's order: an expression both engines compare alike (never NULL: a
/// nullable column is ordered through `COALESCE`), what it holds, and its direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub expr: &'static str,
    pub kind: KeyKind,
    pub descending: bool,
}

impl Key {
    pub const fn int(expr: &'static str) -> Self {
        Self {
            expr,
            kind: KeyKind::Int,
            descending: false,
        }
    }

    pub const fn text(expr: &'static str) -> Self {
        Self {
            expr,
            kind: KeyKind::Text,
            descending: false,
        }
    }

    pub const fn desc(self) -> Self {
        Self {
            descending: true,
            ..self
        }
    }
}

/// A list's order: keys ending in a unique one (the id), so that a position in the list is
/// one row, pages never overlap, and a cursor continues exactly after the last row shown.
pub type Order = &'static [Key];

/// Whether every key of `order` is a plain column (`alias.column`) of a table named in `from`
/// (`"risk_assessments ra"`).
fn keys_are_columns_of(order: Order, from: &str) -> bool {
    let aliases: Vec<&str> = from.split_whitespace().collect();
    let plain = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    !order.is_empty()
        && order.iter().all(|k| {
            k.expr.split_once('.').is_some_and(|(alias, column)| {
                plain(alias) && plain(column) && aliases.contains(&alias)
            })
        })
}

/// The `ORDER BY` clause of an order over its selected keys (`sems_key_0`, …).
fn order_by_keys(order: Order) -> String {
    order_clause(order, |i, _| format!("sems_key_{i}"))
}

/// The `ORDER BY` clause of an order.
fn order_by(order: Order) -> String {
    order_clause(order, |_, k| k.expr.to_string())
}

/// Each key as `term(position, key)`, with its direction.
fn order_clause(order: Order, term: impl Fn(usize, &Key) -> String) -> String {
    order
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let term = term(i, k);
            if k.descending {
                format!("{term} DESC")
            } else {
                term
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The rows after `after` in `order`, as ranges each of which an index in the order's keys
/// (or the outer table of a join) seeks on exactly: for keys `k1, k2, k3` the rows with
/// `k1 = v1 AND k2 = v2 AND k3 > v3`, those with `k1 = v1 AND k2 > v2`, and those with
/// `k1 > v1` (`<` for a descending key). Read as one condition OR-ed together, neither engine
/// seeks on it and PostgreSQL misjudges a row value `(k1, k2) > (v1, v2)` as almost no rows
/// (a page of one organisation's findings took 430 ms): as separate ranges, each is planned
/// and bounded on its own. Refused when the cursor is not one of this order.
fn after_ranges(
    order: Order,
    after: &[CursorValue],
    term: impl Fn(usize, &Key) -> String,
) -> crate::Result<Vec<Sql>> {
    if after.len() != order.len() {
        return Err(crate::StoreError::Cursor);
    }
    let mut ranges = Vec::with_capacity(order.len());
    for i in (0..order.len()).rev() {
        let mut cond = Sql::new("(");
        for (j, (key, value)) in order.iter().zip(after).take(i + 1).enumerate() {
            if j > 0 {
                cond.push(" AND ");
            }
            let op = if j < i {
                " = "
            } else if key.descending {
                " < "
            } else {
                " > "
            };
            cond.push(&term(j, key)).push(op);
            match (key.kind, value) {
                (KeyKind::Int, CursorValue::Int(v)) => cond.bind(*v),
                (KeyKind::Text, CursorValue::Text(v)) => cond.bind(v.as_str()),
                _ => return Err(crate::StoreError::Cursor),
            };
        }
        cond.push(")");
        ranges.push(cond);
    }
    Ok(ranges)
}

/// How many rows `cond` reaches on `from`, counted up to the cap (a bounded scan whatever
/// the table's size).
async fn count(conn: &mut crate::Conn, from: &str, cond: &Sql) -> crate::Result<i64> {
    let mut count = Sql::new(&format!(
        "SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM {from} WHERE "
    ));
    count
        .append(cond)
        .push(" LIMIT ")
        .bind(sems_domain::page::COUNT_CAP + 1)
        .push(") counted");
    Ok(count.query_scalar().fetch_one(&mut *conn).await?)
}

/// The rows after `after` as one condition, its ranges OR-ed: for a reader's few rows
/// found by index, where no range is sought on its own.
fn after_any(
    order: Order,
    after: &[CursorValue],
    term: impl Fn(usize, &Key) -> String,
) -> crate::Result<Sql> {
    let mut any = Sql::new("(");
    for (i, range) in after_ranges(order, after, term)?.iter().enumerate() {
        if i > 0 {
            any.push(" OR ");
        }
        any.append(range);
    }
    any.push(")");
    Ok(any)
}

/// A page of a list: counted up to the cap (a bounded scan whatever the table's size), and
/// read by page number, or after a cursor by an index seek. The page's last position is
/// given as `next_cursor` when the page is full.
#[tracing::instrument(skip_all)]
pub async fn fetch_page<T>(
    conn: &mut crate::Conn,
    from: &str,
    select: &str,
    cond: &Sql,
    order: Order,
    page: sems_domain::page::PageRequest,
) -> crate::Result<sems_domain::page::Page<T>>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    // The keys are selected beside the row's columns, so the last row gives the cursor.
    let keys: Vec<String> = order
        .iter()
        .enumerate()
        .map(|(i, k)| format!("{} AS sems_key_{i}", k.expr))
        .collect();
    let keys = keys.join(", ");
    // Every list's select starts with SELECT (a constant of its module); the keys go first.
    let rest = select.strip_prefix("SELECT ").unwrap_or(select);
    let select = format!("SELECT {keys}, {rest}");
    // Where the order's keys are columns of `from`, the page's positions are found on `from`
    // alone and the joins of `select` are made for the page's rows only, not for every row an
    // organisation's reader reaches before the page is cut.
    let deferred = keys_are_columns_of(order, from);
    if let Some(id) = order.last().filter(|_| deferred && cond.plans_once()) {
        let (fetched, total) =
            fetch_reached_page(conn, from, &keys, &select, id, cond, order, &page).await?;
        return page_of(&fetched, order, page, total);
    }
    let total = count(conn, from, cond).await?;
    let positions_of = if deferred {
        format!("SELECT {keys} FROM {from}")
    } else {
        select.clone()
    };
    let positions = match &page.after {
        None => {
            let mut rows = Sql::new(&format!("{positions_of} WHERE "));
            rows.append(cond)
                .push(" ORDER BY ")
                .push(&order_by(order))
                .push(" LIMIT ")
                .bind(page.limit())
                .push(" OFFSET ")
                .bind(page.offset());
            rows
        }
        // The reader's few rows, found by index, after the cursor: one statement, which plans
        // in half the time of one per range and reads the reached rows once.
        Some(after) if cond.reaches_by_index() => {
            let mut rows = Sql::new(&format!("{positions_of} WHERE "));
            rows.append(cond)
                .push(" AND ")
                .append(&after_any(order, after, |_, k| k.expr.to_string())?)
                .push(" ORDER BY ")
                .push(&order_by(order))
                .push(" LIMIT ")
                .bind(page.limit());
            rows
        }
        // Each range's first rows, then the first of those: at most a page per range is read.
        Some(after) => {
            let mut rows = Sql::new("SELECT * FROM (");
            for (i, range) in after_ranges(order, after, |_, k| k.expr.to_string())?
                .iter()
                .enumerate()
            {
                if i > 0 {
                    rows.push(" UNION ALL ");
                }
                rows.push(&format!("SELECT * FROM ({positions_of} WHERE "))
                    .append(cond)
                    .push(" AND ")
                    .append(range)
                    .push(" ORDER BY ")
                    .push(&order_by(order))
                    .push(" LIMIT ")
                    .bind(page.limit())
                    .push(&format!(") range_{i}"));
            }
            rows.push(") after_cursor ORDER BY ")
                .push(&order_by_keys(order))
                .push(" LIMIT ")
                .bind(page.limit());
            rows
        }
    };
    let rows = match order.last().filter(|_| deferred) {
        // The last key is the unique one: the id of the row.
        Some(id) => {
            let mut rows = Sql::new(&format!(
                "{select} WHERE {} IN (SELECT sems_key_{} FROM (",
                id.expr,
                order.len() - 1
            ));
            rows.append(&positions)
                .push(") page_positions) ORDER BY ")
                .push(&order_by(order));
            rows
        }
        None => positions,
    };
    let fetched = rows.query().fetch_all(&mut *conn).await?;
    page_of(&fetched, order, page, total)
}

/// A page for a reader whose rows the access filter reaches by index (an organisation's few):
/// one statement finds the reached rows' keys once, counts them up to the cap and cuts the
/// page from them, so that the condition (a union of index look-ups, one per way of reaching
/// a row) is planned once, not once for the count and again for the page.
#[allow(clippy::too_many_arguments)]
async fn fetch_reached_page(
    conn: &mut crate::Conn,
    from: &str,
    keys: &str,
    select: &str,
    id: &Key,
    cond: &Sql,
    order: Order,
    page: &sems_domain::page::PageRequest,
) -> crate::Result<(Vec<sqlx::any::AnyRow>, i64)> {
    use sqlx::Row;
    let mut rows = Sql::new(&format!(
        "WITH reached AS MATERIALIZED (SELECT {keys} FROM {from} WHERE "
    ));
    rows.append(cond)
        .push(") SELECT (SELECT COUNT(*) FROM (SELECT 1 AS one FROM reached LIMIT ")
        .bind(sems_domain::page::COUNT_CAP + 1)
        .push(") counted) AS sems_total, ")
        .push(select.strip_prefix("SELECT ").unwrap_or(select))
        .push(&format!(
            " WHERE {} IN (SELECT sems_key_{} FROM reached",
            id.expr,
            order.len() - 1
        ));
    match &page.after {
        None => {
            rows.push(" ORDER BY ")
                .push(&order_by_keys(order))
                .push(" LIMIT ")
                .bind(page.limit())
                .push(" OFFSET ")
                .bind(page.offset());
        }
        Some(after) => {
            rows.push(" WHERE ")
                .append(&after_any(order, after, |i, _| format!("sems_key_{i}"))?)
                .push(" ORDER BY ")
                .push(&order_by_keys(order))
                .push(" LIMIT ")
                .bind(page.limit());
        }
    }
    rows.push(") ORDER BY ").push(&order_by(order));
    let fetched = rows.query().fetch_all(&mut *conn).await?;
    let total = match fetched.first() {
        Some(row) => row.try_get("sems_total")?,
        // An empty first page: nothing is reached. An empty later page says nothing of the
        // count, which is read on its own.
        None if page.after.is_none() && page.offset() == 0 => 0,
        None => count(conn, from, cond).await?,
    };
    Ok((fetched, total))
}

/// The page of the fetched rows, with the cursor after its last row when it is full.
fn page_of<T>(
    fetched: &[sqlx::any::AnyRow],
    order: Order,
    page: sems_domain::page::PageRequest,
    total: i64,
) -> crate::Result<sems_domain::page::Page<T>>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
{
    use sqlx::Row;
    let full = fetched.len() == page.limit() as usize;
    // The order's keys are not the row type's fields: read by position of the order, which
    // only the list knows (FromRow decodes the row itself).
    let next_cursor = match fetched.last().filter(|_| full) {
        Some(last) => {
            let mut values = Vec::with_capacity(order.len());
            for (i, key) in order.iter().enumerate() {
                let column = format!("sems_key_{i}");
                values.push(match key.kind {
                    KeyKind::Int => CursorValue::Int(last.try_get(column.as_str())?),
                    KeyKind::Text => CursorValue::Text(last.try_get(column.as_str())?),
                });
            }
            Some(sems_domain::page::encode_cursor(&values))
        }
        None => None,
    };
    let items = fetched
        .iter()
        .map(T::from_row)
        .collect::<Result<Vec<T>, sqlx::Error>>()?;
    let mut result = sems_domain::page::Page::counted(items, page, total);
    result.next_cursor = next_cursor;
    Ok(result)
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
    fn the_rows_after_a_cursor_are_one_range_per_key() {
        const ORDER: Order = &[
            Key::int("ra.residual_score").desc(),
            Key::text("pa.name"),
            Key::int("ra.id"),
        ];
        let after = [
            CursorValue::Int(12),
            CursorValue::Text("Northport".into()),
            CursorValue::Int(7),
        ];
        let ranges: Vec<String> = after_ranges(ORDER, &after, |_, k| k.expr.to_string())
            .unwrap()
            .iter()
            .map(|r| r.text().to_string())
            .collect();
        assert_eq!(
            ranges,
            [
                "(ra.residual_score = $1 AND pa.name = $2 AND ra.id > $3)",
                "(ra.residual_score = $1 AND pa.name > $2)",
                "(ra.residual_score < $1)",
            ]
        );
        // A cursor of another order (length or kinds) is refused.
        assert!(after_ranges(ORDER, &after[..2], |_, k| k.expr.to_string()).is_err());
        let wrong = [
            CursorValue::Text("x".into()),
            after[1].clone(),
            after[2].clone(),
        ];
        assert!(after_ranges(ORDER, &wrong, |_, k| k.expr.to_string()).is_err());
    }

    #[test]
    fn a_page_is_found_on_the_listed_table_where_the_keys_are_its_columns() {
        const OWN: Order = &[
            Key::int("ra.residual_score").desc(),
            Key::int("ra.id").desc(),
        ];
        const JOINED: Order = &[Key::text("pa.name"), Key::int("ra.id")];
        const EXPRESSION: Order = &[
            Key::int("CASE WHEN p.kind = 'authority' THEN 0 ELSE 1 END"),
            Key::int("p.id"),
        ];
        assert!(keys_are_columns_of(OWN, "risk_assessments ra"));
        assert!(!keys_are_columns_of(JOINED, "risk_assessments ra"));
        assert!(!keys_are_columns_of(EXPRESSION, "parties p"));
    }

    #[test]
    fn like_patterns_are_escaped() {
        assert_eq!(like_pattern(" 50%_A "), "%50\\%\\_a%");
    }
}
