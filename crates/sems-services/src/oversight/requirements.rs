//! Requirements catalogues: the authority's national programme (a default one shipped,
//! new versions published by import) and organisations' internal requirements. A version is
//! never edited: adding or importing publishes the next one, and activities keep the version
//! they were planned against.

use super::OversightServices;
use crate::import::{self, CsvImport, ImportReport};
use crate::{authorize, record_change, About, Actor, Result, ServiceError, NONE};
use sems_domain::access::{Action, RecordKind, RecordMeta};
use sems_domain::csv::CsvRow;
use sems_domain::oversight::{check_code, RequirementLevel, DEFAULT_CATALOGUE};
use sems_domain::util::bounded_text;
use sems_domain::ValidationError;
use sems_storage::oversight::requirements::{self as store, NewRequirement};
use sems_storage::{parties, Conn};
use serde::{Deserialize, Serialize};

pub const REQUIREMENT_COLUMNS: [&str; 5] = ["code", "parent", "level", "title", "text"];

fn meta(party: &parties::Party) -> RecordMeta {
    let mut m = RecordMeta::plain(RecordKind::Requirement, party.id, party.kind.is_authority());
    m.published = party.kind.is_authority();
    m
}

/// A node with its depth, for showing the tree.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CatalogueNodeView {
    #[serde(flatten)]
    pub requirement: super::views::Requirement,
    pub depth: usize,
}

/// A requirements catalogue at one version, as a tree, with its versions.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CatalogueView {
    pub party_id: i64,
    pub party_name: String,
    /// The version shown (none when the party has no catalogue yet).
    pub version: Option<i64>,
    pub versions: Vec<super::views::CatalogueVersion>,
    pub nodes: Vec<CatalogueNodeView>,
    /// What the reader may do with the catalogue (`create`: add requirements, import).
    pub allowed: sems_domain::access::Allowed,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequirementInput {
    pub code: String,
    #[serde(default)]
    pub parent: Option<String>,
    pub level: String,
    pub title: String,
    pub text: String,
}

/// Checks one node against the rules and the nodes before it (`known`: code → level).
fn check_node(
    input: &RequirementInput,
    known: &[(String, RequirementLevel)],
) -> Result<NewRequirement, ValidationError> {
    let code = check_code(&input.code)?;
    let level = RequirementLevel::parse(&input.level)?;
    let parent = input
        .parent
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| p.to_uppercase());
    match (level.parent_level(), &parent) {
        (None, None) => {}
        (None, Some(_)) => return Err(ValidationError::new("parent", "a programme has no parent")),
        (Some(wanted), None) => {
            return Err(ValidationError::new(
                "parent",
                format!(
                    "a {} needs its {} as parent",
                    level.as_str(),
                    wanted.as_str()
                ),
            ))
        }
        (Some(wanted), Some(p)) => match known.iter().find(|(c, _)| c == p) {
            Some((_, l)) if *l == wanted => {}
            Some(_) => {
                return Err(ValidationError::new(
                    "parent",
                    format!("{p} is not a {}", wanted.as_str()),
                ))
            }
            None => {
                return Err(ValidationError::new(
                    "parent",
                    format!("no {} {p} before this line", wanted.as_str()),
                ))
            }
        },
    }
    Ok(NewRequirement {
        code,
        parent_code: parent,
        level,
        title: bounded_text("title", &input.title, 2, 300)?,
        text: bounded_text("text", &input.text, 0, 5000)?,
    })
}

impl OversightServices<'_> {
    /// Publishes the default national programme as version 1 when the authority has none.
    pub async fn ensure_oversight_defaults(&self) -> Result<()> {
        let mut tx = self.store.write().await?;
        let Some(authority) = parties::authority(tx.conn()).await? else {
            return Ok(());
        };
        if store::current_version(tx.conn(), authority.id)
            .await?
            .is_none()
        {
            let nodes: Vec<NewRequirement> = DEFAULT_CATALOGUE
                .iter()
                .map(|n| NewRequirement {
                    code: n.code.to_string(),
                    parent_code: n.parent.map(str::to_string),
                    level: n.level,
                    title: n.title.to_string(),
                    text: n.text.to_string(),
                })
                .collect();
            let version = store::publish_version(
                tx.conn(),
                authority.id,
                true,
                "Default programme shipped with sems",
                None,
                &nodes,
            )
            .await?;
            record_change(
                tx.conn(),
                &Actor::System("set-up"),
                crate::Change {
                    about: &About::record(&meta(&authority), None),
                    action: crate::oversight::trail::REQUIREMENTS_PUBLISH,
                    record_id: Some(version),
                    before: NONE,
                    after: Some(
                        &serde_json::json!({ "version": version, "requirements": nodes.len() }),
                    ),
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn catalogue_party(
        conn: &mut Conn,
        actor: &Actor,
        party_id: i64,
        action: Action,
    ) -> Result<parties::Party> {
        let party = parties::get(conn, party_id)
            .await?
            .ok_or(ServiceError::NotFound("party"))?;
        // Whoever may read a catalogue is told plainly that they may not change it.
        authorize(actor, Action::Read, &meta(&party), "requirements")?;
        if action != Action::Read {
            authorize(actor, action, &meta(&party), "requirements").map_err(|e| match e {
                ServiceError::NotFound(_) => ServiceError::Forbidden(
                    "your roles do not allow changing this catalogue".into(),
                ),
                other => other,
            })?;
        }
        Ok(party)
    }

    /// A party's catalogue: the given version, or the newest.
    pub async fn requirement_catalogue(
        &self,
        actor: &Actor,
        party_id: i64,
        version: Option<i64>,
        search: Option<&str>,
    ) -> Result<CatalogueView> {
        let subject = actor.subject().ok_or(ServiceError::Forbidden(
            "catalogues are read by a person".into(),
        ))?;
        let mut conn = self.store.read().await?;
        let party = Self::catalogue_party(&mut conn, actor, party_id, Action::Read).await?;
        let versions = store::versions(&mut conn, party.id).await?;
        let version = match version {
            Some(v) if versions.iter().any(|x| x.version == v) => Some(v),
            Some(_) => return Err(ServiceError::NotFound("catalogue version")),
            None => versions.first().map(|v| v.version),
        };
        let nodes = match version {
            Some(v) => store::catalogue(&mut conn, subject, party.id, v, search).await?,
            None => Vec::new(),
        };
        let nodes = nodes
            .into_iter()
            .map(|r| CatalogueNodeView {
                depth: match r.level {
                    RequirementLevel::Programme => 0,
                    RequirementLevel::Chapter => 1,
                    RequirementLevel::Requirement => 2,
                },
                requirement: r.into(),
            })
            .collect();
        Ok(CatalogueView {
            allowed: crate::allowed(actor, &meta(&party)),
            party_id: party.id,
            party_name: party.name,
            version,
            versions: crate::views::into_views(versions),
            nodes,
        })
    }

    /// Adds one requirement (an organisation's internal one, or a node of the programme):
    /// publishes the next version with it.
    pub async fn add_requirement(
        &self,
        actor: &Actor,
        party_id: i64,
        input: &RequirementInput,
        note: &str,
    ) -> Result<i64> {
        let note = bounded_text("note", note, 0, 2000)?;
        let mut tx = self.store.write().await?;
        let party = Self::catalogue_party(tx.conn(), actor, party_id, Action::Create).await?;
        let current = match store::current_version(tx.conn(), party.id).await? {
            Some(v) => store::nodes(tx.conn(), party.id, v).await?,
            None => Vec::new(),
        };
        let known: Vec<(String, RequirementLevel)> =
            current.iter().map(|n| (n.code.clone(), n.level)).collect();
        let node = check_node(input, &known)?;
        if known.iter().any(|(c, _)| *c == node.code) {
            return Err(ServiceError::Conflict(format!(
                "{} is in the catalogue already",
                node.code
            )));
        }
        let mut nodes: Vec<NewRequirement> = current
            .into_iter()
            .map(|n| NewRequirement {
                code: n.code,
                parent_code: n.parent_code,
                level: n.level,
                title: n.title,
                text: n.text,
            })
            .collect();
        // Keep the new node with its parent's subtree: after the parent's last descendant.
        let at = match &node.parent_code {
            Some(p) => {
                let parent_of: std::collections::HashMap<String, Option<String>> = nodes
                    .iter()
                    .map(|n| (n.code.clone(), n.parent_code.clone()))
                    .collect();
                let descends = |code: &str| {
                    let mut cur = parent_of.get(code).cloned().flatten();
                    while let Some(c) = cur {
                        if &c == p {
                            return true;
                        }
                        cur = parent_of.get(&c).cloned().flatten();
                    }
                    false
                };
                let mut at = nodes
                    .iter()
                    .position(|n| &n.code == p)
                    .map_or(nodes.len(), |i| i + 1);
                while at < nodes.len() && descends(&nodes[at].code) {
                    at += 1;
                }
                at
            }
            None => nodes.len(),
        };
        let code = node.code.clone();
        nodes.insert(at.min(nodes.len()), node);
        let version = store::publish_version(
            tx.conn(),
            party.id,
            party.kind.is_authority(),
            &if note.is_empty() {
                format!("Added {code}")
            } else {
                note
            },
            actor.person_id(),
            &nodes,
        )
        .await?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&meta(&party), None),
                action: crate::oversight::trail::REQUIREMENTS_ADD,
                record_id: Some(version),
                before: NONE,
                after: Some(&serde_json::json!({ "version": version, "added": code })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(version)
    }

    /// Imports a whole catalogue from CSV (`code, parent, level, title, text`, parents before
    /// children) as the party's next version. A dry run reports every bad row; nothing is
    /// published while any row is bad.
    pub async fn import_requirements(
        &self,
        actor: &Actor,
        party_id: i64,
        text: &str,
        dry_run: bool,
        note: &str,
    ) -> Result<ImportReport> {
        let note = bounded_text("note", note, 0, 2000)?;
        let mut tx = self.store.write().await?;
        let party = Self::catalogue_party(tx.conn(), actor, party_id, Action::Create).await?;
        let import = RequirementImport {
            actor,
            party,
            note,
            known: Vec::new(),
        };
        import::run(tx, text, dry_run, import).await
    }
}

/// A whole catalogue, published as the party's next version.
struct RequirementImport<'a> {
    actor: &'a Actor,
    party: parties::Party,
    note: String,
    /// The rows above, code → level: parents come before their children.
    known: Vec<(String, RequirementLevel)>,
}

impl CsvImport for RequirementImport<'_> {
    type Row = NewRequirement;
    const COLUMNS: &'static [&'static str] = &REQUIREMENT_COLUMNS;
    const NOUN: &'static str = "requirement";

    async fn check(
        &mut self,
        _: &mut Conn,
        row: &CsvRow,
    ) -> Result<std::result::Result<NewRequirement, Vec<String>>> {
        let input = RequirementInput {
            code: row.get("code").to_string(),
            parent: Some(row.get("parent").to_string()),
            level: row.get("level").to_string(),
            title: row.get("title").to_string(),
            text: row.get("text").to_string(),
        };
        Ok(match check_node(&input, &self.known) {
            Ok(n) => {
                self.known.push((n.code.clone(), n.level));
                Ok(n)
            }
            Err(e) => Err(vec![e.to_string()]),
        })
    }

    fn code(row: &NewRequirement) -> String {
        row.code.clone()
    }

    /// A catalogue is published whole as a new version: no code is "already stored".
    async fn exists(&mut self, _: &mut Conn, _: &NewRequirement) -> Result<bool> {
        Ok(false)
    }

    async fn store(self, conn: &mut Conn, nodes: Vec<NewRequirement>) -> Result<()> {
        let version = store::publish_version(
            conn,
            self.party.id,
            self.party.kind.is_authority(),
            &self.note,
            self.actor.person_id(),
            &nodes,
        )
        .await?;
        record_change(conn, self.actor, crate::Change { about: &About::record(&meta(&self.party), None), action: crate::oversight::trail::REQUIREMENTS_PUBLISH, record_id: Some(version), before: NONE, after: Some(&serde_json::json!({ "version": version, "requirements": nodes.len(), "note": self.note })) })
        .await?;
        Ok(())
    }
}
