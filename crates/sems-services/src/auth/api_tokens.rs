//! API tokens for machine clients: issued once (only their hash is stored), listed, revoked,
//! and resolved to the owner's current subject on every request.

use super::SessionContext;
use crate::secrets::random_token;
use crate::{record_security_event, Actor, Result, ServiceError, Services};
use sems_domain::util::{bounded_text, sha256_hex};
use sems_storage::tokens::{self, ApiToken};
use sems_storage::{now_ms, people};

impl Services {
    /// Issues an API token for the signed-in person. Returns the token (shown once) and its record.
    #[tracing::instrument(skip_all)]
    pub async fn create_api_token(
        &self,
        ctx: &SessionContext,
        name: &str,
        read_only: bool,
        expires_in_days: Option<i64>,
        password: &str,
    ) -> Result<(String, ApiToken)> {
        let name = bounded_text("name", name, 1, 100)?;
        self.check_own_password(ctx, password).await?;
        if let Some(days) = expires_in_days {
            if !(1..=3650).contains(&days) {
                return Err(sems_domain::ValidationError::new(
                    "expires_in_days",
                    "must be between 1 and 3650",
                )
                .into());
            }
        }
        let token = format!("sems_{}", random_token(24)?);
        let now = now_ms();
        let expires = expires_in_days.map(|d| now + d * 86_400_000);
        let mut tx = self.store.write().await?;
        let id = tokens::insert(
            tx.conn(),
            ctx.person.id,
            &name,
            &sha256_hex(token.as_bytes()),
            &token[..12],
            read_only,
            now,
            expires,
        )
        .await?;
        let record = tokens::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("API token"))?;
        record_security_event(
            tx.conn(),
            &Actor::Person(ctx.subject.clone()),
            ctx.person.party_id,
            Some(ctx.person.id),
            crate::trail::API_TOKEN_CREATE,
            Some(&crate::views::ApiToken::from(&record)),
        )
        .await?;
        tx.commit().await?;
        Ok((token, record))
    }

    #[tracing::instrument(skip_all)]
    pub async fn api_tokens(&self, ctx: &SessionContext) -> Result<Vec<ApiToken>> {
        let mut conn = self.store.read().await?;
        Ok(tokens::for_person(&mut conn, ctx.person.id).await?)
    }

    /// Revokes one of the signed-in person's own tokens.
    #[tracing::instrument(skip_all)]
    pub async fn revoke_api_token(&self, ctx: &SessionContext, id: i64) -> Result<()> {
        let mut tx = self.store.write().await?;
        let token = tokens::get(tx.conn(), id)
            .await?
            .filter(|t| t.person_id == ctx.person.id)
            .ok_or(ServiceError::NotFound("API token"))?;
        if token.revoked_at_ms.is_some() {
            return Err(ServiceError::Conflict(
                "this token is already revoked".into(),
            ));
        }
        tokens::revoke(tx.conn(), id, now_ms()).await?;
        let after = tokens::get(tx.conn(), id).await?;
        record_security_event(
            tx.conn(),
            &Actor::Person(ctx.subject.clone()),
            ctx.person.party_id,
            Some(ctx.person.id),
            crate::trail::API_TOKEN_REVOKE,
            after.as_ref().map(crate::views::ApiToken::from).as_ref(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Resolves a bearer token to its owner's current rights (narrowed to reading for a
    /// read-only token). Records the last use.
    #[tracing::instrument(skip_all)]
    pub async fn resolve_api_token(&self, bearer: &str) -> Result<SessionContext> {
        let refused =
            || ServiceError::Unauthenticated("the API token is unknown, expired or revoked".into());
        if !bearer.starts_with("sems_") || bearer.len() > 128 {
            return Err(refused());
        }
        let hash = sha256_hex(bearer.as_bytes());
        let now = now_ms();
        let mut conn = self.store.read().await?;
        let token = tokens::by_hash(&mut conn, &hash)
            .await?
            .ok_or_else(refused)?;
        if token.revoked_at_ms.is_some() || token.expires_at_ms.is_some_and(|e| e < now) {
            return Err(refused());
        }
        let mut subject = people::subject(&mut conn, token.person_id)
            .await?
            .ok_or_else(refused)?;
        subject.read_only = token.read_only;
        let person = people::get(&mut conn, token.person_id)
            .await?
            .ok_or_else(refused)?;
        if token.last_used_ms.is_none_or(|t| now - t > 60_000) {
            tokens::touch(&mut conn, token.id, now).await?;
        }
        Ok(SessionContext {
            subject,
            person,
            csrf_token: String::new(),
            session_hash: String::new(),
        })
    }
}
