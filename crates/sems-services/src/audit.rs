//! Browsing and verifying the audit trail, the security log, and what is served of
//! protected-source entries (docs/privacy.md says which reader sees what, and why).

use crate::{Actor, Result, Services};
use sems_domain::page::{Page, PageRequest};
use sems_storage::audit::{self, AuditFilter, AuditView, ProtectedDay, Verification};

impl Services {
    /// The entries of the organisations' trails the actor may read (quality auditor and
    /// accountable executive: their organisation; director: all; inspector: the organisations
    /// they oversee). Security events and protected-source entries are never among them.
    #[tracing::instrument(skip_all)]
    pub async fn audit_entries(
        &self,
        actor: &Actor,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> Result<Page<AuditView>> {
        let subject = actor.lister()?;
        let mut conn = self.store.read().await?;
        Ok(audit::list(&mut conn, subject, filter, page).await?)
    }

    /// Confidential and anonymous filings and what follows from them, for the trail's
    /// readers: counts per day, organisation and action, nothing finer.
    #[tracing::instrument(skip_all)]
    pub async fn protected_reporting_days(
        &self,
        actor: &Actor,
        party_id: Option<i64>,
        page: PageRequest,
    ) -> Result<Page<ProtectedDay>> {
        let subject = actor.lister()?;
        let mut conn = self.store.read().await?;
        Ok(audit::protected_days(&mut conn, subject, party_id, page).await?)
    }

    /// The security log: every event for the deployment administrator, one's own for
    /// everyone else (the filter narrows to one person).
    #[tracing::instrument(skip_all)]
    pub async fn security_log(
        &self,
        actor: &Actor,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> Result<Page<AuditView>> {
        let subject = actor.lister()?;
        let mut conn = self.store.read().await?;
        Ok(audit::security_log(&mut conn, subject, filter, page).await?)
    }

    #[tracing::instrument(skip_all)]
    pub async fn verify_audit_trail(&self) -> Result<Verification> {
        Ok(audit::verify(&self.store).await?)
    }
}
