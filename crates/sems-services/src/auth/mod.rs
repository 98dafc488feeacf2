//! Sign-in, sessions, two-factor sign-in, passwords and API tokens.

use crate::secrets::{hash_password, random_token, verify_password};
use crate::{record_security_event, Actor, Result, ServiceError, Services, NONE};
use sems_domain::access::Subject;
use sems_domain::password::NewPassword;
use sems_domain::totp;
use sems_domain::util::sha256_hex;
use sems_storage::people::Person;
use sems_storage::sessions::{self, Throttle};
use sems_storage::tokens::{self};
use sems_storage::{now_ms, parties, people};
use serde_json::json;

mod api_tokens;
mod two_factor;

/// Where a sign-in attempt comes from: the client's network as the web layer saw it
/// (`client_network`), or this machine. Only its pseudonym is ever stored.
#[derive(Debug, Clone)]
pub struct SignInClient(String);

impl SignInClient {
    pub fn network(ip: std::net::IpAddr) -> Self {
        Self(sems_domain::util::client_network(ip))
    }

    /// The command line and benchmarks.
    pub fn local() -> Self {
        Self("local".into())
    }
}

/// One sign-in attempt's three counts of failures: the name from this client (locks at the
/// threshold), this client over every name (at four times it: one client guessing names is
/// stopped), and the name from every client (at ten times it: guessing spread over many
/// clients is stopped too, at a cost only a large botnet can pay).
struct Attempt {
    username: String,
    client: String,
    threshold: i64,
}

impl Attempt {
    fn counts(&self) -> [(&str, &str, i64); 3] {
        [
            (&self.username, &self.client, self.threshold),
            ("", &self.client, self.threshold * 4),
            (&self.username, "", self.threshold * 10),
        ]
    }

    /// The three counts as kept now, in the order of `counts`.
    async fn current(&self, conn: &mut sems_storage::Conn) -> Result<Vec<Throttle>> {
        let keys = self
            .counts()
            .map(|(username, client, _)| (username, client));
        Ok(sessions::throttles(conn, &keys).await?)
    }

    /// Seconds until the latest lock of its counts ends, when one is in force.
    async fn locked(&self, conn: &mut sems_storage::Conn, now: i64) -> Result<Option<i64>> {
        let until = self
            .current(conn)
            .await?
            .iter()
            .map(|t| t.locked_until_ms)
            .max()
            .unwrap_or(0);
        Ok((until > now).then(|| (until - now + 999) / 1000))
    }

    /// Forgets the failures of the name from this client.
    async fn succeeded(&self, conn: &mut sems_storage::Conn) -> Result<()> {
        Ok(sessions::clear_throttle(conn, &self.username, &self.client).await?)
    }
}

/// A signed-in request's context: who, and the session's CSRF token.
#[derive(Debug, Clone)]
pub struct SessionContext {
    pub subject: Subject,
    pub person: Person,
    pub csrf_token: String,
    /// The hash identifying the session row (never the cookie value itself).
    pub session_hash: String,
}

/// What a successful password check gives the web layer to put in a cookie.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// The cookie value; only its hash is stored.
    pub token: String,
    pub csrf_token: String,
    /// The person must still give a two-factor code.
    pub mfa_pending: bool,
    pub max_age_seconds: i64,
}

/// What resolving a session cookie found.
#[derive(Debug, Clone)]
pub enum SessionState {
    SignedIn(Box<SessionContext>),
    /// Password given, two-factor code still due.
    MfaPending {
        person_id: i64,
        csrf_token: String,
    },
    /// Unknown, expired or ended.
    None,
}

/// The person who just proved who they are, as the actor of their own sign-in events (for
/// the audit trail only: it carries no groups or assignments and authorises nothing).
fn as_actor(person: &Person) -> Actor {
    Actor::Person(Subject {
        person_id: person.id,
        party_id: person.party_id,
        party_is_authority: person.party_is_authority,
        roles: person.roles.clone(),
        clearance: person.clearance,
        groups: Vec::new(),
        oversees: Vec::new(),
        read_only: false,
        gate: None,
    })
}

impl Services {
    async fn owner_party_for_audit(
        &self,
        conn: &mut sems_storage::Conn,
        person: Option<&Person>,
    ) -> Result<i64> {
        match person {
            Some(p) => Ok(p.party_id),
            None => Ok(parties::authority(conn).await?.map(|a| a.id).unwrap_or(0)),
        }
    }

    /// Checks a user name and password from this machine (the command line, benchmarks).
    #[tracing::instrument(skip_all)]
    pub async fn sign_in(&self, username: &str, password: &str) -> Result<NewSession> {
        self.sign_in_from(&SignInClient::local(), username, password)
            .await
    }

    /// Checks a user name and password. Failed attempts (known names and unknown alike) are
    /// counted for the name from this client, for the client over every name and for the name
    /// from every client (`Attempt`); too many lock that count for a while, recorded in the
    /// audit trail. So one client guessing names locks itself out, not their owners.
    #[tracing::instrument(skip_all)]
    pub async fn sign_in_from(
        &self,
        client: &SignInClient,
        username: &str,
        password: &str,
    ) -> Result<NewSession> {
        let key = username.trim().to_lowercase();
        let refused = || ServiceError::Unauthenticated("wrong user name or password".into());
        if key.is_empty() || key.len() > 256 || password.is_empty() || password.len() > 1024 {
            return Err(refused());
        }
        let attempt = self.attempt(client, &key)?;
        let now = now_ms();
        let mut conn = self.store.read().await?;
        if let Some(retry_after_seconds) = attempt.locked(&mut conn, now).await? {
            return Err(ServiceError::Locked {
                retry_after_seconds,
            });
        }
        let person = people::by_username(&mut conn, &key).await?;
        let creds = match &person {
            Some(p) => people::credentials(&mut conn, p.id).await?,
            None => None,
        };
        drop(conn);
        let ok = verify_password(
            password.to_string(),
            creds.as_ref().map(|c| c.password_hash.clone()),
        )
        .await?;
        let active = creds.as_ref().is_some_and(|c| c.active);
        let mut tx = self.store.write().await?;
        let owner = self
            .owner_party_for_audit(tx.conn(), person.as_ref())
            .await?;
        let actor = Actor::System("sign-in");
        if !ok || !active {
            let (t, locks) = self.count_failure(tx.conn(), &attempt, now).await?;
            let detail =
                json!({ "username": key, "known": person.is_some(), "failures": t.failures });
            record_security_event(
                tx.conn(),
                &actor,
                owner,
                person.as_ref().map(|p| p.id),
                crate::trail::SIGN_IN_FAILED,
                Some(&detail),
            )
            .await?;
            if locks {
                record_security_event(
                    tx.conn(),
                    &actor,
                    owner,
                    person.as_ref().map(|p| p.id),
                    crate::trail::SIGN_IN_LOCKED,
                    Some(
                        &json!({ "username": key, "locked_minutes": self.config.lockout_minutes }),
                    ),
                )
                .await?;
            }
            tx.commit().await?;
            return Err(if locks {
                ServiceError::Locked {
                    retry_after_seconds: self.config.lockout_minutes * 60,
                }
            } else {
                refused()
            });
        }
        let (Some(person), Some(creds)) = (person, creds) else {
            return Err(refused());
        };
        // With two-factor on, the count of failures is cleared only once the code is right:
        // signing in again with the password must not reset the count of wrong codes.
        if !creds.totp_enabled {
            attempt.succeeded(tx.conn()).await?;
        }
        let session = self
            .open_session(tx.conn(), person.id, creds.totp_enabled)
            .await?;
        record_security_event(
            tx.conn(),
            &as_actor(&person),
            person.party_id,
            Some(person.id),
            crate::trail::SIGN_IN_SUCCEEDED,
            Some(&json!({ "username": key, "two_factor_due": creds.totp_enabled })),
        )
        .await?;
        tx.commit().await?;
        Ok(session)
    }

    fn attempt(&self, client: &SignInClient, username: &str) -> Result<Attempt> {
        Ok(Attempt {
            username: username.to_string(),
            client: self
                .reporting_config()?
                .pseudonym("sign-in client", &client.0),
            threshold: self.config.lockout_threshold,
        })
    }

    /// Counts one failed attempt (a wrong password or a wrong second-factor code) in each of
    /// the attempt's counts within the window; a count at its threshold locks for a while.
    /// Returns the count of the name from this client and whether this attempt locked one.
    async fn count_failure(
        &self,
        conn: &mut sems_storage::Conn,
        attempt: &Attempt,
        now: i64,
    ) -> Result<(Throttle, bool)> {
        let window = self.config.lockout_window_minutes * 60_000;
        let mut locks = false;
        let mut own = Throttle::default();
        let kept = attempt.current(conn).await?;
        for (i, ((username, client, threshold), current)) in
            attempt.counts().into_iter().zip(kept).enumerate()
        {
            let mut t = if now - current.first_failure_ms > window {
                Throttle {
                    failures: 0,
                    first_failure_ms: now,
                    locked_until_ms: 0,
                }
            } else {
                current
            };
            t.failures += 1;
            if t.failures >= threshold && t.locked_until_ms <= now {
                t.locked_until_ms = now + self.config.lockout_minutes * 60_000;
                locks = true;
            }
            sessions::save_throttle(conn, username, client, t).await?;
            if i == 0 {
                own = t;
            }
        }
        Ok((own, locks))
    }

    async fn open_session(
        &self,
        conn: &mut sems_storage::Conn,
        person_id: i64,
        mfa_pending: bool,
    ) -> Result<NewSession> {
        let token = random_token(32)?;
        let csrf_token = random_token(32)?;
        let now = now_ms();
        // A pending two-factor step gets five minutes; a full session the idle timeout.
        let ttl = if mfa_pending {
            5 * 60_000
        } else {
            self.config.session_idle_minutes * 60_000
        };
        sessions::insert(
            conn,
            &sha256_hex(token.as_bytes()),
            person_id,
            &csrf_token,
            mfa_pending,
            now,
            now + ttl,
        )
        .await?;
        Ok(NewSession {
            token,
            csrf_token,
            mfa_pending,
            max_age_seconds: self.config.session_absolute_hours * 3600,
        })
    }

    /// Finds the session of a cookie value, extending its idle timeout.
    #[tracing::instrument(skip_all)]
    pub async fn resolve_session(&self, token: &str) -> Result<SessionState> {
        if token.is_empty() || token.len() > 128 {
            return Ok(SessionState::None);
        }
        let hash = sha256_hex(token.as_bytes());
        let now = now_ms();
        let mut conn = self.store.read().await?;
        let Some(row) = sessions::get(&mut conn, &hash).await? else {
            return Ok(SessionState::None);
        };
        let absolute_end = row.created_at_ms + self.config.session_absolute_hours * 3_600_000;
        if row.expires_at_ms < now || absolute_end < now {
            sessions::delete(&mut conn, &hash).await?;
            return Ok(SessionState::None);
        }
        if row.mfa_pending {
            return Ok(SessionState::MfaPending {
                person_id: row.person_id,
                csrf_token: row.csrf_token,
            });
        }
        let Some(subject) = people::subject(&mut conn, row.person_id).await? else {
            sessions::delete(&mut conn, &hash).await?;
            return Ok(SessionState::None);
        };
        let Some(person) = people::get(&mut conn, row.person_id).await? else {
            return Ok(SessionState::None);
        };
        // Extending the idle timeout is a small write; once a minute is enough.
        if now - row.last_seen_ms > 60_000 {
            let expires = (now + self.config.session_idle_minutes * 60_000).min(absolute_end);
            sessions::touch(&mut conn, &hash, now, expires).await?;
        }
        Ok(SessionState::SignedIn(Box::new(SessionContext {
            subject,
            person,
            csrf_token: row.csrf_token,
            session_hash: hash,
        })))
    }

    /// Completes a two-factor sign-in: checks the code and replaces the pending session by a
    /// full one (a new id, so a session id seen before the second factor is worth nothing).
    #[tracing::instrument(skip_all)]
    pub async fn complete_two_factor(
        &self,
        client: &SignInClient,
        token: &str,
        code: &str,
    ) -> Result<NewSession> {
        let hash = sha256_hex(token.as_bytes());
        let mut tx = self.store.write().await?;
        let row = sessions::get(tx.conn(), &hash).await?;
        let Some(row) = row.filter(|r| r.mfa_pending && r.expires_at_ms >= now_ms()) else {
            return Err(ServiceError::Unauthenticated(
                "your sign-in has expired; sign in again".into(),
            ));
        };
        let creds = people::credentials(tx.conn(), row.person_id).await?;
        let person = people::get(tx.conn(), row.person_id).await?;
        let (Some(creds), Some(person)) = (creds, person) else {
            return Err(ServiceError::Unauthenticated("sign in again".into()));
        };
        // Wrong codes count against the account as wrong passwords do: at the threshold the
        // pending session ends and the name is locked, so codes cannot be tried at will.
        let key = person.username.to_lowercase();
        let attempt = self.attempt(client, &key)?;
        let now = now_ms();
        if let Some(retry_after_seconds) = attempt.locked(tx.conn(), now).await? {
            sessions::delete(tx.conn(), &hash).await?;
            tx.commit().await?;
            return Err(ServiceError::Locked {
                retry_after_seconds,
            });
        }
        let secret = match creds.totp_secret.as_deref() {
            Some(stored) => totp::base32_decode(&self.open_totp(person.id, stored)?),
            None => None,
        }
        .unwrap_or_default();
        let step =
            totp::verify(&secret, code, now_ms() / 1000).filter(|s| *s > creds.totp_last_step);
        let Some(step) = step else {
            let (t, locks) = self.count_failure(tx.conn(), &attempt, now).await?;
            record_security_event(
                tx.conn(),
                &Actor::System("sign-in"),
                person.party_id,
                Some(person.id),
                crate::trail::SIGN_IN_TWO_FACTOR_FAILED,
                Some(&json!({ "failures": t.failures })),
            )
            .await?;
            if locks {
                sessions::delete(tx.conn(), &hash).await?;
                record_security_event(tx.conn(), &Actor::System("sign-in"), person.party_id, Some(person.id), crate::trail::SIGN_IN_LOCKED, Some(&json!({ "username": key, "locked_minutes": self.config.lockout_minutes, "by": "two-factor codes" })))
                .await?;
            }
            tx.commit().await?;
            return Err(if locks {
                ServiceError::Locked {
                    retry_after_seconds: self.config.lockout_minutes * 60,
                }
            } else {
                ServiceError::Unauthenticated(
                    "that code is not valid; enter the current code from your authenticator app"
                        .into(),
                )
            });
        };
        attempt.succeeded(tx.conn()).await?;
        people::set_totp_last_step(tx.conn(), person.id, step).await?;
        sessions::delete(tx.conn(), &hash).await?;
        let session = self.open_session(tx.conn(), person.id, false).await?;
        record_security_event(
            tx.conn(),
            &as_actor(&person),
            person.party_id,
            Some(person.id),
            crate::trail::SIGN_IN_TWO_FACTOR_SUCCEEDED,
            NONE,
        )
        .await?;
        tx.commit().await?;
        Ok(session)
    }

    #[tracing::instrument(skip_all)]
    pub async fn sign_out(&self, token: &str) -> Result<()> {
        let hash = sha256_hex(token.as_bytes());
        let mut tx = self.store.write().await?;
        let row = sessions::get(tx.conn(), &hash).await?;
        if let Some(row) = row {
            sessions::delete(tx.conn(), &hash).await?;
            let person = people::get(tx.conn(), row.person_id).await?;
            if let Some(p) = person {
                let actor = as_actor(&p);
                record_security_event(
                    tx.conn(),
                    &actor,
                    p.party_id,
                    Some(p.id),
                    crate::trail::SIGN_OUT,
                    NONE,
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Changes the signed-in person's own password; ends their other sessions.
    #[tracing::instrument(skip_all)]
    pub async fn change_own_password(
        &self,
        ctx: &SessionContext,
        current: &str,
        new: &str,
    ) -> Result<()> {
        let mut conn = self.store.read().await?;
        let creds = people::credentials(&mut conn, ctx.person.id)
            .await?
            .ok_or(ServiceError::NotFound("person"))?;
        drop(conn);
        if !verify_password(current.to_string(), Some(creds.password_hash)).await? {
            return Err(ServiceError::from(sems_domain::ValidationError::new(
                "current_password",
                "is not your current password",
            )));
        }
        let new = NewPassword::parse(new, &ctx.person.username, &ctx.person.display_name)?;
        let hash = hash_password(new.expose().to_string()).await?;
        let mut tx = self.store.write().await?;
        people::set_password_hash(tx.conn(), ctx.person.id, &hash).await?;
        let revoked = end_credentials(tx.conn(), ctx.person.id, Some(&ctx.session_hash)).await?;
        let actor = Actor::Person(ctx.subject.clone());
        record_security_event(
            tx.conn(),
            &actor,
            ctx.person.party_id,
            Some(ctx.person.id),
            crate::trail::PERSON_PASSWORD_CHANGED,
            Some(&json!({ "api_tokens_revoked": revoked })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets a person's password from the command line (`sems user reset-password`); ends their
    /// sessions and lifts a lockout.
    #[tracing::instrument(skip_all)]
    pub async fn reset_password(&self, username: &str, new: &str) -> Result<()> {
        let mut conn = self.store.read().await?;
        let person = people::by_username(&mut conn, &username.trim().to_lowercase())
            .await?
            .ok_or(ServiceError::NotFound("person"))?;
        drop(conn);
        let new = NewPassword::parse(new, &person.username, &person.display_name)?;
        let hash = hash_password(new.expose().to_string()).await?;
        let mut tx = self.store.write().await?;
        people::set_password_hash(tx.conn(), person.id, &hash).await?;
        let revoked = end_credentials(tx.conn(), person.id, None).await?;
        sessions::clear_all_throttles(tx.conn(), &person.username.to_lowercase()).await?;
        record_security_event(
            tx.conn(),
            &Actor::System("sems user reset-password"),
            person.party_id,
            Some(person.id),
            crate::trail::PERSON_PASSWORD_RESET,
            Some(&json!({ "api_tokens_revoked": revoked })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Ends a person's other credentials when one changes: their sessions (but `keep`, the one
/// making the change) and every API token in force. Returns how many tokens were revoked.
async fn end_credentials(
    conn: &mut sems_storage::Conn,
    person_id: i64,
    keep: Option<&str>,
) -> Result<u64> {
    sessions::delete_for_person(conn, person_id, keep).await?;
    Ok(tokens::revoke_all_for_person(conn, person_id, now_ms()).await?)
}

impl Services {
    /// Asks for the signed-in person's password again before a change of their credentials.
    async fn check_own_password(&self, ctx: &SessionContext, password: &str) -> Result<()> {
        let mut conn = self.store.read().await?;
        let creds = people::credentials(&mut conn, ctx.person.id)
            .await?
            .ok_or(ServiceError::NotFound("person"))?;
        drop(conn);
        if password.is_empty()
            || !verify_password(password.to_string(), Some(creds.password_hash)).await?
        {
            return Err(ServiceError::from(sems_domain::ValidationError::new(
                "password",
                "is not your current password",
            )));
        }
        Ok(())
    }
}

impl Services {
    /// Deletes expired sessions and sign-in failures whose window and lock are over (a
    /// background job of every node: deleting what is gone is the same work once or twice).
    #[tracing::instrument(skip_all)]
    pub async fn purge_expired_sessions(&self) -> Result<u64> {
        let now = now_ms();
        let mut tx = self.store.write().await?;
        let n = sessions::delete_expired(tx.conn(), now).await?;
        sessions::purge_throttles(
            tx.conn(),
            now - self.config.lockout_window_minutes * 60_000,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(n)
    }
}
