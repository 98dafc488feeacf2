//! Browsing and verifying the audit trail.

use crate::{Actor, Result, ServiceError, Services};
use sems_domain::page::{Page, PageRequest};
use sems_storage::audit::{self, AuditFilter, AuditView, Verification};

impl Services {
    /// The entries the actor may read (quality auditor and accountable executive: their
    /// organisation; director: all; inspector: the organisations they oversee).
    pub async fn audit_entries(
        &self,
        actor: &Actor,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> Result<Page<AuditView>> {
        let subject = actor
            .subject()
            .ok_or(ServiceError::Forbidden("lists need a person".into()))?;
        let mut conn = self.store.read().await?;
        Ok(audit::list(&mut conn, subject, filter, page).await?)
    }

    pub async fn verify_audit_trail(&self) -> Result<Verification> {
        Ok(audit::verify(&self.store).await?)
    }
}
