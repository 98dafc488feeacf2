//! Requirements catalogues: the authority's national programme (a default one shipped,
//! new versions published by import), catalogues it publishes for a sector (IOSA's security
//! standards for air carriers, CAP 1223's elements), and organisations' internal
//! requirements. Each is answered on a scale of the oversight method. A version is never
//! edited: adding or importing publishes the next one, and activities keep the version they
//! were planned against.

use super::OversightServices;
use crate::import::{self, CsvImport, ImportReport};
use crate::{authorize, record_change, About, Actor, Result, ServiceError, NONE};
use sems_domain::access::{Action, RecordKind, RecordMeta};
use sems_domain::csv::CsvRow;
use sems_domain::oversight::{check_code, RequirementLevel, DEFAULT_CATALOGUE};
use sems_domain::util::bounded_text;
use sems_domain::ValidationError;
use sems_storage::oversight::requirements::{
    self as store, Catalogue, NewCatalogue, NewRequirement,
};
use sems_storage::{parties, Conn};
use serde::{Deserialize, Serialize};

pub const REQUIREMENT_COLUMNS: [&str; 5] = ["code", "parent", "level", "title", "text"];

fn meta(party: &parties::Party) -> RecordMeta {
    let mut m = RecordMeta::plain(RecordKind::Requirement, party.id, party.kind.is_authority());
    m.published = party.kind.is_authority();
    m
}

/// Which catalogue of a party: its main one (the authority's national programme, an
/// organisation's internal requirements) or another by code. A party's id alone names its
/// main catalogue.
#[derive(Debug, Clone, Copy)]
pub struct CatalogueOf<'a> {
    pub party_id: i64,
    pub code: Option<&'a str>,
}

impl From<i64> for CatalogueOf<'static> {
    fn from(party_id: i64) -> Self {
        Self {
            party_id,
            code: None,
        }
    }
}

/// The code of the authority's main catalogue, the national programme.
pub const NATIONAL_PROGRAMME: &str = "NASP";
/// The code of an organisation's main catalogue.
pub const INTERNAL_REQUIREMENTS: &str = "INTERNAL";

/// The code of a party's main catalogue.
pub fn main_catalogue_code(party: &parties::Party) -> &'static str {
    if party.kind.is_authority() {
        NATIONAL_PROGRAMME
    } else {
        INTERNAL_REQUIREMENTS
    }
}

fn main_catalogue_title(party: &parties::Party) -> &'static str {
    if party.kind.is_authority() {
        "National aviation security programme"
    } else {
        "Internal requirements"
    }
}

/// A new catalogue of a party's.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogueInput {
    /// Letters, digits, dots and dashes (`IOSA-SEC`).
    pub code: String,
    pub title: String,
    /// The kind of organisation it is for (the authority's catalogues only); none: every kind.
    #[serde(default)]
    pub sector: Option<String>,
    /// A scale of the oversight method; the method's first when none is named.
    #[serde(default)]
    pub scale: Option<String>,
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
    /// The catalogue shown: none while a party's main catalogue has no requirement yet.
    pub catalogue: Option<super::views::Catalogue>,
    /// The party's catalogues, to move between.
    pub catalogues: Vec<super::views::Catalogue>,
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
    /// Publishes the default national programme as version 1 of the authority's main
    /// catalogue, and today's oversight method as its version 1, when there are none.
    #[tracing::instrument(skip_all)]
    pub async fn ensure_oversight_defaults(&self) -> Result<()> {
        let mut tx = self.store.write().await?;
        let Some(authority) = parties::authority(tx.conn()).await? else {
            return Ok(());
        };
        if sems_storage::oversight::method::current(tx.conn())
            .await?
            .is_none()
        {
            let method = sems_domain::oversight::method::OversightMethod::with_intervals(
                self.config.oversight_intervals,
            );
            let version = sems_storage::oversight::method::publish(
                tx.conn(),
                authority.id,
                &method,
                "Default method shipped with sems",
                None,
            )
            .await?;
            record_change(
                tx.conn(),
                &Actor::System("set-up"),
                crate::Change {
                    about: &About::record(&super::method::method_meta(authority.id), Some(version)),
                    action: crate::oversight::trail::OVERSIGHT_METHOD_PUBLISH,
                    record_id: Some(version),
                    before: NONE,
                    after: Some(&method),
                },
            )
            .await?;
        }
        let catalogue = Self::main_catalogue(tx.conn(), &authority).await?;
        if catalogue.current_version.is_none() {
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
                &catalogue,
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
                        &serde_json::json!({ "catalogue": catalogue.code, "version": version, "requirements": nodes.len() }),
                    ),
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// A party's main catalogue, created (empty) the first time it is needed.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn main_catalogue(
        conn: &mut Conn,
        party: &parties::Party,
    ) -> Result<Catalogue> {
        let code = main_catalogue_code(party);
        if let Some(c) = store::catalogue_by_code(conn, party.id, code).await? {
            return Ok(c);
        }
        let id = store::insert_catalogue(
            conn,
            &NewCatalogue {
                owner_party_id: party.id,
                code,
                title: main_catalogue_title(party),
                sector: None,
                scale: sems_domain::oversight::method::ComplianceScale::national()
                    .code
                    .as_str(),
            },
        )
        .await?;
        store::catalogue_by_id(conn, id)
            .await?
            .ok_or(ServiceError::NotFound("catalogue"))
    }

    /// The catalogue named, as the actor may act on it: a main catalogue not kept yet is
    /// `None` for reading and created for writing.
    async fn catalogue_of(
        conn: &mut Conn,
        actor: &Actor,
        of: CatalogueOf<'_>,
        action: Action,
    ) -> Result<(parties::Party, Option<Catalogue>)> {
        let party = Self::catalogue_party(conn, actor, of.party_id, action).await?;
        let code = of
            .code
            .map(|c| c.trim().to_uppercase())
            .filter(|c| !c.is_empty());
        let found = match &code {
            Some(c) => Some(
                store::catalogue_by_code(conn, party.id, c)
                    .await?
                    .ok_or(ServiceError::NotFound("catalogue"))?,
            ),
            None if action == Action::Read => {
                store::catalogue_by_code(conn, party.id, main_catalogue_code(&party)).await?
            }
            None => Some(Self::main_catalogue(conn, &party).await?),
        };
        Ok((party, found))
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
    #[tracing::instrument(skip_all)]
    pub async fn requirement_catalogue<'a>(
        &self,
        actor: &Actor,
        of: impl Into<CatalogueOf<'a>>,
        version: Option<i64>,
        search: Option<&str>,
    ) -> Result<CatalogueView> {
        let subject = actor.subject().ok_or(ServiceError::Forbidden(
            "catalogues are read by a person".into(),
        ))?;
        let mut conn = self.store.read().await?;
        let (party, catalogue) =
            Self::catalogue_of(&mut conn, actor, of.into(), Action::Read).await?;
        let versions = match &catalogue {
            Some(c) => store::versions(&mut conn, c.id).await?,
            None => Vec::new(),
        };
        let version = match version {
            Some(v) if versions.iter().any(|x| x.version == v) => Some(v),
            Some(_) => return Err(ServiceError::NotFound("catalogue version")),
            None => versions.first().map(|v| v.version),
        };
        let nodes = match (&catalogue, version) {
            (Some(c), Some(v)) => store::catalogue(&mut conn, subject, c.id, v, search).await?,
            _ => Vec::new(),
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
        let catalogues = store::catalogues_of(&mut conn, &[party.id]).await?;
        Ok(CatalogueView {
            allowed: crate::allowed(actor, &meta(&party)),
            party_id: party.id,
            party_name: party.name,
            catalogue: catalogue.map(Into::into),
            catalogues: crate::views::into_views(catalogues),
            version,
            versions: crate::views::into_views(versions),
            nodes,
        })
    }

    /// The catalogues an activity of the actor's may be scoped on: the authority's (the
    /// national programme first) and the actor's organisation's own.
    #[tracing::instrument(skip_all)]
    pub async fn catalogues(&self, actor: &Actor) -> Result<Vec<super::views::Catalogue>> {
        let subject = actor.subject().ok_or(ServiceError::Forbidden(
            "catalogues are read by a person".into(),
        ))?;
        let mut conn = self.store.read().await?;
        let authority = parties::authority(&mut conn)
            .await?
            .ok_or_else(|| ServiceError::Internal("the authority party is missing".into()))?;
        let mut owners = vec![authority.id];
        if subject.party_id != authority.id {
            owners.push(subject.party_id);
        }
        let mut readable = Vec::new();
        for c in store::catalogues_of(&mut conn, &owners).await? {
            let Some(owner) = parties::get(&mut conn, c.owner_party_id).await? else {
                continue;
            };
            if crate::allowed(actor, &meta(&owner)).read {
                readable.push(c.into());
            }
        }
        Ok(readable)
    }

    /// Opens a new catalogue of the party's (empty until requirements are added or
    /// imported): a sector catalogue of the authority's, or another of an organisation's.
    #[tracing::instrument(skip_all)]
    pub async fn create_catalogue(
        &self,
        actor: &Actor,
        party_id: i64,
        input: &CatalogueInput,
    ) -> Result<super::views::Catalogue> {
        let code = check_code(&input.code).map_err(|_| {
            ValidationError::new("code", "letters, digits, dots and dashes, up to 40")
        })?;
        let title = bounded_text("title", &input.title, 2, 200)?;
        let sector = match input
            .sector
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(s) => Some(
                sems_domain::party::PartyKind::parse(s)
                    .map_err(|e| ValidationError::new("sector", e.to_string()))?,
            ),
            None => None,
        };
        let mut tx = self.store.write().await?;
        let party = Self::catalogue_party(tx.conn(), actor, party_id, Action::Create).await?;
        if sector.is_some() && !party.kind.is_authority() {
            return Err(ValidationError::new(
                "sector",
                "only the authority publishes catalogues for a sector",
            )
            .into());
        }
        let method = super::method::current_method(tx.conn()).await?;
        let scale = match input
            .scale
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(s) => method.method.scale(s)?.code.clone(),
            None => method
                .method
                .scales
                .first()
                .map(|s| s.code.clone())
                .unwrap_or_default(),
        };
        if store::catalogue_by_code(tx.conn(), party.id, &code)
            .await?
            .is_some()
        {
            return Err(ServiceError::Conflict(format!(
                "{} keeps a catalogue {code} already",
                party.name
            )));
        }
        let id = store::insert_catalogue(
            tx.conn(),
            &NewCatalogue {
                owner_party_id: party.id,
                code: &code,
                title: &title,
                sector,
                scale: &scale,
            },
        )
        .await?;
        let created: super::views::Catalogue = store::catalogue_by_id(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("catalogue"))?
            .into();
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&meta(&party), None),
                action: crate::oversight::trail::CATALOGUE_CREATE,
                record_id: Some(id),
                before: NONE,
                after: Some(&created),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(created)
    }

    /// Changes the scale a catalogue is answered on: activities planned from now on use it,
    /// those planned before keep theirs.
    #[tracing::instrument(skip_all)]
    pub async fn set_catalogue_scale<'a>(
        &self,
        actor: &Actor,
        of: impl Into<CatalogueOf<'a>>,
        scale: &str,
    ) -> Result<super::views::Catalogue> {
        let mut tx = self.store.write().await?;
        let (party, catalogue) =
            Self::catalogue_of(tx.conn(), actor, of.into(), Action::Update).await?;
        let before = catalogue.ok_or(ServiceError::NotFound("catalogue"))?;
        let method = super::method::current_method(tx.conn()).await?;
        let scale = method.method.scale(scale.trim())?.code.clone();
        store::set_catalogue_scale(tx.conn(), before.id, &scale).await?;
        let after: super::views::Catalogue = store::catalogue_by_id(tx.conn(), before.id)
            .await?
            .ok_or(ServiceError::NotFound("catalogue"))?
            .into();
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&meta(&party), None),
                action: crate::oversight::trail::CATALOGUE_SCALE,
                record_id: Some(before.id),
                before: Some(&super::views::Catalogue::from(before)),
                after: Some(&after),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Adds one requirement (an organisation's internal one, or a node of the programme):
    /// publishes the next version with it.
    #[tracing::instrument(skip_all)]
    pub async fn add_requirement<'a>(
        &self,
        actor: &Actor,
        of: impl Into<CatalogueOf<'a>>,
        input: &RequirementInput,
        note: &str,
    ) -> Result<i64> {
        let note = bounded_text("note", note, 0, 2000)?;
        let mut tx = self.store.write().await?;
        let (party, catalogue) =
            Self::catalogue_of(tx.conn(), actor, of.into(), Action::Create).await?;
        let catalogue = catalogue.ok_or(ServiceError::NotFound("catalogue"))?;
        let current = match catalogue.current_version {
            Some(v) => store::nodes(tx.conn(), catalogue.id, v).await?,
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
            &catalogue,
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
                after: Some(
                    &serde_json::json!({ "catalogue": catalogue.code, "version": version, "added": code }),
                ),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(version)
    }

    /// Imports a whole catalogue from CSV (`code, parent, level, title, text`, parents before
    /// children) as the party's next version. A dry run reports every bad row; nothing is
    /// published while any row is bad.
    #[tracing::instrument(skip_all)]
    pub async fn import_requirements<'a>(
        &self,
        actor: &Actor,
        of: impl Into<CatalogueOf<'a>>,
        text: &str,
        dry_run: bool,
        note: &str,
    ) -> Result<ImportReport> {
        let note = bounded_text("note", note, 0, 2000)?;
        let mut tx = self.store.write().await?;
        let (party, catalogue) =
            Self::catalogue_of(tx.conn(), actor, of.into(), Action::Create).await?;
        let catalogue = catalogue.ok_or(ServiceError::NotFound("catalogue"))?;
        let import = RequirementImport {
            actor,
            party,
            catalogue,
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
    catalogue: Catalogue,
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
            &self.catalogue,
            self.party.kind.is_authority(),
            &self.note,
            self.actor.person_id(),
            &nodes,
        )
        .await?;
        record_change(conn, self.actor, crate::Change { about: &About::record(&meta(&self.party), None), action: crate::oversight::trail::REQUIREMENTS_PUBLISH, record_id: Some(version), before: NONE, after: Some(&serde_json::json!({ "catalogue": self.catalogue.code, "version": version, "requirements": nodes.len(), "note": self.note })) })
        .await?;
        Ok(())
    }
}
