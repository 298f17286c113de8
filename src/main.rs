//! The `keel` binary: parses arguments, sets up output, and calls into the library.

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use keel::cli::replay::{replay_as, Format};
use keel::config::{load_all, Config, ReaderState};
use keel::core::context::Reader;
use keel::core::engine::Engine;
use std::io::{BufRead, BufReader, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// What `keel --help` says after the commands.
const EXIT_CODES: &str = "\
Exit codes:
  0  done, nothing wrong
  1  done, but problems were found: `keel check` found mistakes in bot.toml or a
     phrase file, or `keel replay` skipped malformed lines (each named on stderr)
  2  could not run: bad arguments, an unreadable or invalid file (bot.toml, the
     phrase pack, a transcript, a line of eval's file), a missing database";

/// keel keeps support conversations on an even keel.
#[derive(Parser)]
#[command(version, about, after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// How `keel replay` writes its decisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ReplayFormat {
    /// Text when standard output is a terminal, else JSON Lines.
    Auto,
    /// One readable row per message and a summary at the end.
    Text,
    /// One JSON line per message (the public contract).
    Json,
}

// These doc comments are `keel --help`'s text, shown as written: no Markdown.
#[allow(clippy::doc_markdown)]
#[derive(Subcommand)]
enum Command {
    /// Run the bot in Discord. The token comes from the environment variable bot.toml names (default DISCORD_TOKEN).
    #[command(after_help = "Example:\n  DISCORD_TOKEN=... keel run --config bot.toml")]
    Run {
        /// bot.toml to read (default: ./bot.toml if present, else built-in defaults with ./phrases).
        #[arg(long, value_name = "PATH")]
        config: Option<PathBuf>,
    },
    /// Validate bot.toml and every phrase file; list every problem with file, line and key.
    #[command(
        after_help = "Exit status 1 when a problem is found (also a server's stored settings that are not valid).\n\nExamples:\n  keel check --config bot.toml\n  keel check --db keel.db    # and every server's settings in force, with where each comes from"
    )]
    Check {
        /// bot.toml to read (default: ./bot.toml if present, else built-in defaults with ./phrases).
        #[arg(long, value_name = "PATH")]
        config: Option<PathBuf>,
        /// keel's database: also show each server's settings in force (bot.toml and /keel setup).
        #[arg(long, value_name = "PATH")]
        db: Option<PathBuf>,
    },
    /// Judge a transcript (JSON Lines, one message per line) and print one decision per message.
    #[command(after_help = REPLAY_HELP)]
    Replay {
        /// bot.toml to read (default: ./bot.toml if present, else built-in defaults with ./phrases).
        #[arg(long, value_name = "PATH")]
        config: Option<PathBuf>,
        /// How to print: auto is text on a terminal and JSON Lines through a pipe or into a file.
        #[arg(long, value_enum, default_value_t = ReplayFormat::Auto)]
        format: ReplayFormat,
        /// In the text format, also print the full text of every nudge, choice and boundary message.
        #[arg(long, short)]
        verbose: bool,
        /// The transcript; `-` or nothing reads standard input.
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
    },
    /// Show how one message is normalized, what matches, and why it scores as it does.
    #[command(after_help = "Example:\n  keel explain \"you are an 1d10t\"")]
    Explain {
        /// bot.toml to read (default: ./bot.toml if present, else built-in defaults with ./phrases).
        #[arg(long, value_name = "PATH")]
        config: Option<PathBuf>,
        /// The message; read from standard input when omitted.
        #[arg(value_name = "TEXT")]
        text: Vec<String>,
    },
    /// Measure the hostile flag on labeled messages (JSON Lines with `text` and `label`).
    #[command(after_help = EVAL_HELP)]
    Eval {
        /// bot.toml to read (default: ./bot.toml if present, else built-in defaults with ./phrases).
        #[arg(long, value_name = "PATH")]
        config: Option<PathBuf>,
        /// Also print this many false alarms and misses.
        #[arg(long, value_name = "N", default_value_t = 0)]
        errors: usize,
        /// Judge by the phrase pack alone, without the context reader.
        #[arg(long)]
        phrases_only: bool,
        /// Which rows: held-out (ids whose FNV-1a hash % 100 < 15, never fitted), fit (the rest) or all.
        #[arg(long, value_name = "SPLIT", default_value = "all")]
        split: keel::cli::eval::split::Split,
        /// Run the evasion suite: rewrite each row's common insults and profanities with every perturbation family and report recall kept and false alarms added.
        #[arg(long)]
        perturb: bool,
        /// The evasion suite's seed (the same seed gives the same rewrites).
        #[arg(long, value_name = "N", requires = "perturb", default_value_t = keel::cli::eval::suite::DEFAULT_SEED)]
        seed: u64,
        /// Print the evasion suite's report as JSON.
        #[arg(long, requires = "perturb")]
        json: bool,
        /// Print the rows rewritten by this family as JSON Lines instead of judging them (leet, separators, repeats, zero-width, combining, homoglyphs, case, combined).
        #[arg(long, value_name = "FAMILY", requires = "perturb", conflicts_with = "json")]
        emit: Option<keel::cli::eval::perturb::Family>,
        /// FILE holds whole conversations (one per line: id, label, messages, derail_index): report how often keel warns before a conversation turns abusive and how often about one that stays civil.
        #[arg(long, conflicts_with = "perturb")]
        conversations: bool,
        /// With --conversations: print every judged message's forecast features as JSON Lines (for tools/train_forecaster.py) instead of the report.
        #[arg(long, requires = "conversations")]
        features: bool,
        /// The labeled file.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Print what happened and what worked (nudges, boundaries, time to claim, false alarms) from keel's database.
    #[command(
        after_help = "Example:\n  keel report --days 7\n  keel report --db /var/lib/keel/keel.db --guild 123456789012345678"
    )]
    Report {
        /// The database file, opened read-only (default: [storage] path of bot.toml).
        #[arg(long, value_name = "PATH")]
        db: Option<PathBuf>,
        /// bot.toml whose [storage] path names the database when --db is not given (default: ./bot.toml if present, else ./keel.db).
        #[arg(long, value_name = "PATH", conflicts_with = "db")]
        config: Option<PathBuf>,
        /// How many days back from now.
        #[arg(long, value_name = "N", default_value_t = 30)]
        days: u32,
        /// Only this guild (server ID); all guilds when omitted.
        #[arg(long, value_name = "ID")]
        guild: Option<u64>,
    },
}

/// What `keel replay --help` says after the options.
const REPLAY_HELP: &str = "\
Input: JSON Lines, one message per line; unknown fields are ignored:
  {\"id\": \"m1\", \"ts\": \"2026-11-22T10:00:00Z\", \"guild\": \"g1\", \"channel\": \"c1\", \"author\": \"u1\", \"role\": \"customer\", \"text\": \"...\"}
  id, channel, author, text  required (IDs as strings or numbers)
  ts                         RFC 3339 or Unix milliseconds; missing: one second after the previous line
  guild                      optional
  role                       customer (default), staff or moderator

Output (--format json, and whenever standard output is not a terminal): JSON Lines,
one line per message, in order, with id, score, hostile, level, channel_level, trend,
signals and actions. A malformed line is named on stderr and skipped; the exit status
is then 1.

Examples:
  keel replay examples/escalating.jsonl
  keel replay --format json examples/escalating.jsonl > decisions.jsonl
  cat transcript.jsonl | keel replay --format text --verbose";

/// What `keel eval --help` says after the options.
const EVAL_HELP: &str = "\
Input: JSON Lines, one labeled message per line:
  {\"id\": \"m1\", \"text\": \"you absolute idiot\", \"label\": 1}
  label  1 = offensive, 0 = not offensive (any other whole number counts as not offensive)
  id     optional (a string or a number); decides --split, and seeds --perturb's rewrites
A line that is not of this shape stops the run (exit status 2).

--split held-out judges only the rows whose id hashes into the held-out 15%
(docs/evasion.md gives the rule); --perturb runs the evasion suite (docs/evasion.md).

With --conversations, one conversation per line instead:
  {\"id\": \"c1\", \"label\": 1, \"derail_index\": 3, \"messages\": [{\"author\": \"ana\", \"text\": \"...\", \"role\": \"customer\"}]}
  label 1 = it turns abusive at messages[derail_index] (default: the last message); role customer,
  staff or moderator (default: GitHub's author_association OWNER, MEMBER, COLLABORATOR = staff)
keel warns when it nudges or the forecast reaches the heads-up level ([forecast] in bot.toml)
before that message.

Examples:
  keel eval --errors 5 tests/fixtures/support-messages.jsonl
  keel eval --split held-out ../shared/data/extra/convabuse-train.jsonl
  keel eval --perturb --phrases-only ../shared/data/tweeteval-offensive-val.jsonl
  keel eval --perturb --emit leet tests/fixtures/benign-symbols.jsonl
  keel eval --conversations --split held-out ../shared/data/extra/oss-derailment-train.jsonl";

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
        Command::Check { config, db } => {
            let mut ok =
                keel::cli::check::check(config.as_deref(), std::io::stdout().lock(), std::io::stderr().lock())?;
            if let (true, Some(db)) = (ok, db) {
                let loaded = load_all(config.as_deref())?;
                ok =
                    keel::cli::check::settings(&loaded.config, &db, std::io::stdout().lock(), std::io::stderr().lock())
                        .with_context(|| format!("cannot read the settings in {}", db.display()))?;
            }
            Ok(if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
        Command::Replay { config, format, verbose, file } => {
            let loaded = load_all(config.as_deref())?;
            let mut engine = Engine::new(Arc::new(loaded.analyzer), &loaded.config.engine);
            engine.set_reader(reader(&loaded.config)?);
            let input = open_input(file.as_deref())?;
            let text = match format {
                ReplayFormat::Auto => std::io::stdout().is_terminal(),
                ReplayFormat::Text => true,
                ReplayFormat::Json => false,
            };
            let format = if text { Format::Text { verbose } } else { Format::Json };
            let out = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            let summary = match replay_as(format, &mut engine, input, out, std::io::stderr().lock()) {
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
        Command::Eval {
            config,
            errors,
            phrases_only,
            split,
            perturb,
            seed,
            json,
            emit,
            conversations,
            features,
            file,
        } => {
            use keel::cli::eval::{suite, Judge};
            let input = open_input(Some(&file))?;
            let mut out = BufWriter::new(std::io::stdout().lock());
            if let Some(family) = emit {
                suite::emit(input, split, seed, family, &mut out)?;
                out.flush()?;
                return Ok(ExitCode::SUCCESS);
            }
            let loaded = load_all(config.as_deref())?;
            let reader = if phrases_only { None } else { reader(&loaded.config)? };
            if conversations {
                use keel::cli::eval::conversations::{eval, Options, Runner};
                let level = loaded.config.forecast_level;
                let mut runner = Runner::new(Arc::new(loaded.analyzer), &loaded.config.engine, reader);
                eval(&mut runner, input, Options { split, level, features }, &mut out)?;
            } else if perturb {
                let mut judge = Judge::new(&loaded.analyzer, reader.as_deref());
                let options = suite::Options { seed, split, show_errors: errors };
                let report = suite::run(&mut judge, input, options)?;
                if json {
                    serde_json::to_writer_pretty(&mut out, &report)?;
                    writeln!(out)?;
                } else {
                    suite::write_table(&report, &mut out)?;
                }
            } else {
                keel::cli::eval::eval(&loaded.analyzer, reader.as_deref(), input, split, &mut out, errors)?;
            }
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Report { db, config, days, guild } => {
            let db = match db {
                Some(db) => db,
                None => Config::load_or_default(config.as_deref())?.storage.path,
            };
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
fn reader(config: &keel::config::Config) -> anyhow::Result<Option<Arc<dyn Reader>>> {
    match config.context.load()? {
        ReaderState::On(r) => Ok(Some(r)),
        ReaderState::Disabled => Ok(None),
        ReaderState::Unavailable(e) => {
            eprintln!("note: context reader off, judging by phrases alone: {e}");
            Ok(None)
        }
        ReaderState::FirstStageOnly { reader, missing } => {
            eprintln!("note: the first stage reads alone, the transformer is missing: {missing}");
            Ok(Some(reader))
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
