//! The `sems bench …` commands: their arguments and which benchmark each runs.

use clap::Subcommand;
use sems_services::Services;

#[derive(Subcommand)]
pub enum BenchCommand {
    /// The risk register, the heat maps and the national picture.
    Risk {
        #[arg(long, default_value_t = 200)]
        organisations: u32,
        #[arg(long, default_value_t = 40)]
        scenarios: u32,
        #[arg(long, default_value_t = 10)]
        years: u32,
        #[arg(long, default_value_t = 20)]
        runs: u32,
        #[arg(long, default_value_t = 4242)]
        seed: u64,
    },
    /// The EI dashboard and the findings list on a generated national data set.
    Oversight {
        #[arg(long, default_value_t = 200)]
        organisations: u32,
        #[arg(long, default_value_t = 10)]
        years: u32,
        #[arg(long, default_value_t = 30)]
        activities_per_year: i64,
        #[arg(long, default_value_t = 20)]
        runs: u32,
        #[arg(long, default_value_t = 4343)]
        seed: u64,
    },
    /// Lists at scale: first pages and pages deep in a list of `rows` reports, by cursor and
    /// by page number (the occurrence list of the authority, one organisation's reports).
    Lists {
        #[arg(long, default_value_t = 10_000)]
        rows: u64,
        #[arg(long, default_value_t = 20)]
        runs: u32,
    },
    /// The national data set (organisations × 10 years): every authority-wide view (EI
    /// dashboard, findings, risk register, heat maps, national picture, occurrences, national
    /// statistics, the director's overview) as a service call and as a page, then every
    /// national list's first page and a page halfway down by cursor, as the authority and as
    /// one organisation.
    National(NationalDataSet),
    /// Security performance on the national data set (organisations × 10 years of monthly
    /// values): the authority's national view and one organisation's dashboard as service
    /// calls and as pages, a control chart, the alert and indicator lists, one run of the job.
    Performance(NationalDataSet),
    /// Training on its own national data set (organisations × personnel × 10 years of
    /// records, checks and culture surveys): the national compliance view, one
    /// organisation's due list and compliance, the national culture picture, as service calls
    /// and as pages; one run of the training job.
    Training {
        #[arg(long, default_value_t = 200)]
        organisations: u32,
        #[arg(long, default_value_t = 500)]
        personnel_per_org: u32,
        #[arg(long, default_value_t = 20)]
        runs: u32,
        #[arg(long, default_value_t = 5555)]
        seed: u64,
    },
    /// Need-to-know sharing on its own national data set (organisations × 10 years of the
    /// authority's items and each organisation's circulars, with their distributions, reads,
    /// access log and directive recipients): a recipient's inbox and its counts, the
    /// authority's directive tracker, as service calls and as pages; one run of the sharing job.
    Sharing {
        #[arg(long, default_value_t = 200)]
        organisations: u32,
        #[arg(long, default_value_t = 150)]
        items_per_year: u32,
        #[arg(long, default_value_t = 20)]
        runs: u32,
        #[arg(long, default_value_t = 6666)]
        seed: u64,
    },
    /// A flood of sign-in attempts through the API while a reader loads the risk register:
    /// memory before and at its peak, the answers, the page's latency.
    SignIns {
        #[arg(long, default_value_t = 1000)]
        attempts: u32,
        #[arg(long, default_value_t = 20)]
        clients: u32,
    },
    /// Sustained filings per second through the HTTP API, against the raw insert rate.
    Reports {
        #[arg(long, default_value_t = 2000)]
        filings: u32,
        #[arg(long, default_value_t = 8)]
        clients: u32,
    },
}

/// The national data set the authority-wide benchmarks run on (organisations × 10 years), the
/// same for `bench national` and `bench performance` with the same seed.
#[derive(clap::Args)]
pub struct NationalDataSet {
    #[arg(long, default_value_t = 200)]
    organisations: u32,
    #[arg(long, default_value_t = 50)]
    scenarios: u32,
    #[arg(long, default_value_t = 30)]
    activities_per_year: i64,
    #[arg(long, default_value_t = 50)]
    reports_per_year: u32,
    #[arg(long, default_value_t = 20)]
    runs: u32,
    #[arg(long, default_value_t = 4444)]
    seed: u64,
}

impl NationalDataSet {
    fn params(&self) -> sems_services::generate::GenerateParams {
        sems_services::generate::GenerateParams {
            organisations: self.organisations,
            people_per_org: 10,
            years: 10,
            scenarios: self.scenarios,
            activities_per_year: self.activities_per_year,
            reports_per_year: self.reports_per_year,
            personnel_per_org: 0,
            items_per_year: 0,
            seed: self.seed,
        }
    }
}

/// Runs one benchmark command on `services`.
pub async fn run(command: BenchCommand, services: &Services) -> anyhow::Result<()> {
    match command {
        BenchCommand::Risk {
            organisations,
            scenarios,
            years,
            runs,
            seed,
        } => {
            super::risk(
                services,
                sems_services::generate::GenerateParams {
                    organisations,
                    people_per_org: 10,
                    years,
                    scenarios,
                    activities_per_year: 0,
                    reports_per_year: 0,
                    personnel_per_org: 0,
                    items_per_year: 0,
                    seed,
                },
                runs.max(1),
            )
            .await?;
        }
        BenchCommand::Oversight {
            organisations,
            years,
            activities_per_year,
            runs,
            seed,
        } => {
            super::oversight(
                services,
                sems_services::generate::GenerateParams {
                    organisations,
                    people_per_org: 10,
                    years,
                    scenarios: 0,
                    activities_per_year,
                    reports_per_year: 0,
                    personnel_per_org: 0,
                    items_per_year: 0,
                    seed,
                },
                runs.max(1),
            )
            .await?;
        }
        BenchCommand::Lists { rows, runs } => {
            super::lists(services, rows.max(100), runs.max(1)).await?;
        }
        BenchCommand::National(set) => {
            super::national(services, set.params(), set.runs.max(1)).await?;
        }
        BenchCommand::Performance(set) => {
            super::performance(services, set.params(), set.runs.max(1)).await?;
        }
        BenchCommand::Training {
            organisations,
            personnel_per_org,
            runs,
            seed,
        } => {
            super::training(
                services,
                sems_services::generate::GenerateParams {
                    organisations,
                    people_per_org: 10,
                    years: 10,
                    scenarios: 0,
                    activities_per_year: 0,
                    reports_per_year: 0,
                    personnel_per_org,
                    items_per_year: 0,
                    seed,
                },
                runs.max(1),
            )
            .await?;
        }
        BenchCommand::Sharing {
            organisations,
            items_per_year,
            runs,
            seed,
        } => {
            super::sharing(
                services,
                sems_services::generate::GenerateParams {
                    organisations,
                    people_per_org: 10,
                    years: 10,
                    scenarios: 0,
                    activities_per_year: 0,
                    reports_per_year: 0,
                    personnel_per_org: 0,
                    items_per_year,
                    seed,
                },
                runs.max(1),
            )
            .await?;
        }
        BenchCommand::SignIns { attempts, clients } => {
            super::sign_ins(services, attempts.max(1), clients.clamp(1, 256)).await?;
        }
        BenchCommand::Reports { filings, clients } => {
            super::reports(services, filings.max(1), clients.clamp(1, 64)).await?;
        }
    }
    Ok(())
}
