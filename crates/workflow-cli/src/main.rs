//! `shotline-workflow`: Shotline's workflow tools for people who script their pipelines.
//!
//! Exit codes: 0 success, 1 preflight found problems, 2 the command could not run
//! (the reason goes to stderr).

mod error;
mod object_info_source;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use shotline_model::workflow::{ApiWorkflow, Mapping, ObjectInfo, auto_map, import_workflow, preflight};

use crate::error::CliError;
use crate::object_info_source::{fetch_object_info, read_object_info, read_text};

const EXIT_PROBLEMS_FOUND: u8 = 1;
const EXIT_FAILED: u8 = 2;

#[derive(Parser)]
#[command(
    name = "shotline-workflow",
    version,
    about = "Convert, auto-map and preflight ComfyUI workflows"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the API format of an editor (UI-format) workflow.
    Convert {
        workflow: PathBuf,
        #[command(flatten)]
        source: ObjectInfoSource,
    },
    /// Print the proposed mapping of shot fields to node inputs, as JSON.
    Automap {
        workflow: PathBuf,
        #[command(flatten)]
        source: ObjectInfoSource,
    },
    /// Check a workflow and its mapping against a server; exit 1 if anything is wrong.
    Preflight {
        workflow: PathBuf,
        #[command(flatten)]
        source: ObjectInfoSource,
        /// A mapping as `automap` prints it; the auto-mapping when left out.
        #[arg(long)]
        mapping: Option<PathBuf>,
    },
}

#[derive(Args)]
#[group(multiple = false)]
struct ObjectInfoSource {
    /// The server's node list: the `/object_info` JSON file or a directory of `<Class>.json` files.
    #[arg(long, value_name = "OBJECT_INFO")]
    object_info: Option<PathBuf>,
    /// The ComfyUI server to ask for its node list, such as http://127.0.0.1:8188.
    #[arg(long, value_name = "URL")]
    server: Option<String>,
}

impl ObjectInfoSource {
    fn load(&self) -> Result<Option<ObjectInfo>, CliError> {
        match (&self.object_info, &self.server) {
            (Some(path), _) => read_object_info(path).map(Some),
            (None, Some(address)) => fetch_object_info(address).map(Some),
            (None, None) => Ok(None),
        }
    }

    fn require(&self) -> Result<ObjectInfo, CliError> {
        self.load()?.ok_or(CliError::NeedsObjectInfo)
    }
}

fn main() -> ExitCode {
    match run(Cli::parse().command) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("shotline-workflow: {error}");
            ExitCode::from(EXIT_FAILED)
        }
    }
}

fn run(command: Command) -> Result<ExitCode, CliError> {
    match command {
        Command::Convert { workflow, source } => {
            let info = source.require()?;
            println!("{}", load_workflow(&workflow, Some(&info))?.to_json_pretty());
        }
        Command::Automap { workflow, source } => {
            let info = source.load()?;
            let mapping = auto_map(&load_workflow(&workflow, info.as_ref())?);
            println!("{}", to_pretty_json(&mapping));
        }
        Command::Preflight {
            workflow,
            source,
            mapping,
        } => {
            let info = source.require()?;
            let workflow = load_workflow(&workflow, Some(&info))?;
            let mapping = match mapping {
                Some(path) => read_mapping(&path)?,
                None => auto_map(&workflow),
            };
            let problems = preflight(&workflow, &mapping, &info);
            if problems.is_empty() {
                println!("No problems found.");
                return Ok(ExitCode::SUCCESS);
            }
            for problem in &problems {
                println!("{problem}");
            }
            return Ok(ExitCode::from(EXIT_PROBLEMS_FOUND));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn load_workflow(path: &Path, info: Option<&ObjectInfo>) -> Result<ApiWorkflow, CliError> {
    import_workflow(&read_text(path)?, info).map_err(|source| CliError::Import {
        path: path.to_owned(),
        source,
    })
}

fn read_mapping(path: &Path) -> Result<Mapping, CliError> {
    serde_json::from_str(&read_text(path)?).map_err(|source| CliError::Mapping {
        path: path.to_owned(),
        source,
    })
}

fn to_pretty_json(mapping: &Mapping) -> String {
    // A map of enum keys to plain structs always serialises.
    serde_json::to_string_pretty(mapping).unwrap_or_default()
}
