//! The `keel` binary: parses arguments, sets up output, and calls into the library.

use anyhow::Context;
use clap::{Parser, Subcommand};
use keel::config::{load_all, ReaderState};
use keel::core::context::Reader;
use keel::core::engine::Engine;
use keel::reader::ContextReader;
use std::io::{BufRead, BufReader, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// keel keeps support conversations on an even keel.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

// These doc comments are `keel --help`'s text, shown as written: no Markdown.
#[allow(clippy::doc_markdown)]
#[derive(Subcommand)]
enum Command {
    /// Run the bot in Discord. The token comes from the environment variable bot.toml names (default DISCORD_TOKEN).
    Run {
        /// bot.toml to read (default: ./bot.toml if present, else built-in defaults with ./phrases).
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Validate bot.toml and every phrase file; list every problem with file, line and key.
    Check {
        /// bot.toml to read (default: ./bot.toml if present, else built-in defaults with ./phrases).
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Judge a transcript (JSON Lines, one message per line) and print one decision per message.
    Replay {
        /// bot.toml to read (default: ./bot.toml if present, else built-in defaults with ./phrases).
        #[arg(long)]
        config: Option<PathBuf>,
        /// The transcript; `-` or nothing reads standard input.
        file: Option<PathBuf>,
    },
    /// Show how one message is normalized, what matches, and why it scores as it does.
    Explain {
        /// bot.toml to read (default: ./bot.toml if present, else built-in defaults with ./phrases).
        #[arg(long)]
        config: Option<PathBuf>,
        /// The message; read from standard input when omitted.
        text: Vec<String>,
    },
    /// Measure the hostile flag on labeled messages (JSON Lines with `text` and `label`).
    Eval {
        /// bot.toml to read (default: ./bot.toml if present, else built-in defaults with ./phrases).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Also print this many false alarms and misses.
        #[arg(long, default_value_t = 0)]
        errors: usize,
        /// Judge by the phrase pack alone, without the context reader.
        #[arg(long)]
        phrases_only: bool,
        /// The labeled file.
        file: PathBuf,
    },
    /// Print what happened and what worked (nudges, boundaries, time to claim, false alarms) from keel's database.
    Report {
        /// The database file (bot.toml [storage] path). Opened read-only.
        #[arg(long)]
        db: PathBuf,
        /// How many days back from now.
        #[arg(long, default_value_t = 30)]
        days: u32,
        /// Only this guild (server ID); all guilds when omitted.
        #[arg(long)]
        guild: Option<u64>,
    },
}

fn open_input(file: Option<&Path>) -> anyhow::Result<Box<dyn BufRead>> {
    match file {
        None => Ok(Box::new(BufReader::new(std::io::stdin()))),
        Some(p) if p == Path::new("-") => Ok(Box::new(BufReader::new(std::io::stdin()))),
        Some(p) => {
            let f = std::fs::File::open(p).with_context(|| format!("cannot open {}", p.display()))?;
            Ok(Box::new(BufReader::with_capacity(1 << 16, f)))
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Run { config } => {
            init_logging();
            let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
            let result = runtime.block_on(keel::bot::run(config));
            // Work still blocked on the network (a DNS lookup) must not keep a stopped keel alive.
            runtime.shutdown_timeout(std::time::Duration::from_secs(1));
            result?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { config } => {
            let ok = keel::cli::check::check(config.as_deref(), std::io::stdout().lock(), std::io::stderr().lock())?;
            Ok(if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
        Command::Replay { config, file } => {
            let loaded = load_all(config.as_deref())?;
            let mut engine = Engine::new(Arc::new(loaded.analyzer), &loaded.config.engine);
            engine.set_reader(reader(&loaded.config)?.map(|r| r as Arc<dyn Reader>));
            let input = open_input(file.as_deref())?;
            let out = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            let summary = match keel::cli::replay::replay(&mut engine, input, out, std::io::stderr().lock()) {
                Ok(s) => s,
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
                Err(e) => return Err(e.into()),
            };
            if summary.malformed > 0 {
                eprintln!("{} malformed line(s) skipped; {} message(s) judged", summary.malformed, summary.messages);
                return Ok(ExitCode::FAILURE);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain { config, text } => {
            let loaded = load_all(config.as_deref())?;
            let text = if text.is_empty() {
                let mut s = String::new();
                if std::io::stdin().is_terminal() {
                    eprintln!("(type the message, then Ctrl-D)");
                }
                std::io::stdin().read_to_string(&mut s).context("cannot read standard input")?;
                s.trim_end_matches(['\n', '\r']).to_string()
            } else {
                text.join(" ")
            };
            let mut out = std::io::stdout().lock();
            let reader = reader(&loaded.config)?;
            keel::cli::explain::explain(&loaded.analyzer, reader.as_deref(), &text, &mut out)?;
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval { config, errors, phrases_only, file } => {
            let loaded = load_all(config.as_deref())?;
            let input = open_input(Some(&file))?;
            let reader = if phrases_only { None } else { reader(&loaded.config)? };
            keel::cli::eval::eval(&loaded.analyzer, reader.as_deref(), input, std::io::stdout().lock(), errors)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Report { db, days, guild } => {
            let now_ms = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
            keel::cli::report::report(&db, days, guild, now_ms, std::io::stdout().lock())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The context reader bot.toml asks for: `None` when it is turned off, or
/// (with a note on stderr) when its files are missing and it is not required.
fn reader(config: &keel::config::Config) -> anyhow::Result<Option<Arc<ContextReader>>> {
    match config.context.load()? {
        ReaderState::On(r) => Ok(Some(r)),
        ReaderState::Disabled => Ok(None),
        ReaderState::Unavailable(e) => {
            eprintln!("note: context reader off, judging by phrases alone: {e}");
            Ok(None)
        }
    }
}

/// Logs to stderr through `tracing`, in colour only when stderr is a
/// terminal; the level comes from `RUST_LOG` (default `info`). serenity's
/// warning at every failed connection attempt is replaced by keel's one
/// line per cause ([`keel::bot::launch::connection`]).
fn init_logging() {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,serenity=warn"));
    let output =
        tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_ansi(std::io::stderr().is_terminal());
    tracing_subscriber::registry()
        .with(filter)
        .with(keel::bot::launch::connection::ConnectionLog::default())
        .with(output)
        .init();
}

/// True when the error is only a closed output pipe (`keel ... | head`).
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe))
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
