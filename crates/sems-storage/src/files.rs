//! The rows that name stored files by their SHA-256: reports' attachments, checklist
//! evidence, training records' and directive implementations' evidence, shared items' files.

use crate::{Conn, Result};
use std::collections::HashSet;

/// Which of the files `sha256s` some row names, asked a few hundred at a time.
#[tracing::instrument(skip_all)]
pub async fn referenced(conn: &mut Conn, sha256s: &[String]) -> Result<HashSet<String>> {
    let mut found = HashSet::new();
    for chunk in sha256s.chunks(500) {
        let mut sql =
            crate::sql::Sql::new("SELECT sha256 FROM report_attachments WHERE sha256 IN ");
        sql.bind_list(chunk);
        sql.push(" UNION SELECT sha256 FROM item_evidence WHERE sha256 IN ");
        sql.bind_list(chunk);
        sql.push(" UNION SELECT evidence_sha256 FROM training_records WHERE evidence_sha256 IN ");
        sql.bind_list(chunk);
        sql.push(
            " UNION SELECT evidence_sha256 FROM directive_recipients WHERE evidence_sha256 IN ",
        );
        sql.bind_list(chunk);
        sql.push(" UNION SELECT sha256 FROM shared_item_files WHERE sha256 IN ");
        sql.bind_list(chunk);
        let names: Vec<String> = sql.query_scalar().fetch_all(&mut *conn).await?;
        found.extend(names);
    }
    Ok(found)
}
