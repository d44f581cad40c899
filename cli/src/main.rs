//! `mobsync`: check a logged trace of a real handler against the SyncMgr handler contract, run a
//! demo session, print the rules.

// A symbolic link to the workspace's examples/handlers/folder_mirror.rs, so that the packaged
// crate holds it (cargo package copies the file it points to).
#[allow(dead_code)]
mod folder_mirror;

mod check;
mod demo;
mod mermaid;
mod register;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// The Windows Synchronization Manager handler contract, executable.
#[derive(Parser)]
#[command(name = "mobsync", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a logged trace of a handler (TRACE.md format) against the contract, line by line.
    ///
    /// Exit status: 0 no violations, 1 violations, 2 parse error, unreadable input or bad usage,
    /// 141 the output was closed before checking ended (`| head`): checking stops at once.
    Check {
        /// The trace file, or `-` for standard input.
        #[arg(value_name = "FILE|-")]
        input: String,
        /// Print every event, not only those refused, violating or with a non-empty report.
        #[arg(long)]
        all: bool,
        /// `text`, `json` (JSON Lines) or `mermaid` (every event as a Mermaid sequence
        /// diagram's source, for a ```mermaid block; `--all` changes nothing there; exit status
        /// as for text).
        #[arg(long, value_enum, default_value_t = check::Format::Text)]
        format: check::Format,
        /// `documented` (Microsoft's documented rules) or `compatible` (also what Microsoft's
        /// sample handlers rely on).
        #[arg(long, value_enum, default_value_t = ProfileArg::Documented)]
        profile: ProfileArg,
    },
    /// Run the example folder-mirroring handler against the simulated manager and print the run.
    Demo {
        /// Also write the run's trace to this file (`mobsync check` accepts it).
        #[arg(long, value_name = "FILE")]
        trace_out: Option<std::path::PathBuf>,
        /// `text` (the annotated trace and a table) or `mermaid` (the run as a Mermaid sequence
        /// diagram's source).
        #[arg(long, value_enum, default_value_t = demo::Format::Text)]
        format: demo::Format,
    },
    /// Print the rule tables and the item status graph, from the data the engine uses.
    Rules {
        /// `markdown` (every table) or `mermaid` (the pass region as a state diagram).
        #[arg(long, value_enum, default_value_t = RulesFormat::Markdown)]
        format: RulesFormat,
    },
    /// Print the `.reg` file that registers a handler DLL as an in-process COM server and with
    /// the Synchronization Manager (import it with `regedit /s FILE`).
    Register {
        /// The handler's CLSID (`8F5A2C1E-0D4B-4E7A-9C3F-2B6D8E1A4C70`, braces optional).
        #[arg(long, value_name = "GUID")]
        clsid: mobsync::Guid,
        /// The DLL's full Windows path.
        #[arg(long, value_name = "PATH", required_unless_present = "unregister")]
        dll: Option<String>,
        /// The handler's name, as the manager shows it.
        #[arg(long, required_unless_present = "unregister")]
        name: Option<String>,
        /// InprocServer32's ThreadingModel.
        #[arg(long, value_enum, default_value_t = ThreadingArg::Apartment)]
        threading: ThreadingArg,
        /// Print the file that removes the registration instead.
        #[arg(long, conflicts_with_all = ["dll", "name"])]
        unregister: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ThreadingArg {
    Apartment,
    Both,
    Free,
    Neutral,
}

#[derive(Clone, Copy, ValueEnum)]
enum ProfileArg {
    Documented,
    Compatible,
}

#[derive(Clone, Copy, ValueEnum)]
enum RulesFormat {
    Markdown,
    Mermaid,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check {
            input,
            all,
            format,
            profile,
        } => {
            let profile = match profile {
                ProfileArg::Documented => mobsync::Profile::Documented,
                ProfileArg::Compatible => mobsync::Profile::Compatible,
            };
            check::run(&input, all, format, profile)
        }
        Command::Demo { trace_out, format } => demo::run(trace_out.as_deref(), format),
        Command::Rules { format } => {
            let text = match format {
                RulesFormat::Markdown => mobsync::rules::render_markdown(),
                RulesFormat::Mermaid => mobsync::rules::render_mermaid(),
            };
            // A closed stdout (e.g. `| head`) ends the output quietly.
            let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes());
            ExitCode::SUCCESS
        }
        Command::Register {
            clsid,
            dll,
            name,
            threading,
            unregister,
        } => {
            let threading = match threading {
                ThreadingArg::Apartment => register::ThreadingModel::Apartment,
                ThreadingArg::Both => register::ThreadingModel::Both,
                ThreadingArg::Free => register::ThreadingModel::Free,
                ThreadingArg::Neutral => register::ThreadingModel::Neutral,
            };
            register::run(
                clsid,
                dll.as_deref(),
                name.as_deref(),
                threading,
                unregister,
            )
        }
    }
}
