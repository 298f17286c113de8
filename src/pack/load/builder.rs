//! The state of a pack being loaded, file by file.
//!
//! [`Builder`] owns what has been read so far. The methods that read each kind
//! of table live in the file for that kind (`settings`, `lexicon`,
//! `responses`) and `finish` turns the builder into a
//! [`Pack`](crate::pack::Pack); this file holds only the state and the order
//! in which one file's tables are read.

use crate::core::pack::{Category, ChoiceSet, Entry, EntryPattern, Origin, Phrase, Script, Settings, Topic};
use crate::core::template::Template;
use crate::diagnostics::{Problem, SourceFile};
use crate::pack::raw::RawFile;
use std::collections::HashMap;
use std::path::PathBuf;

/// Something defined by name, remembered until all files are read so that
/// references across files resolve whatever the file order.
pub(super) struct Pending<T> {
    /// What was defined.
    pub(super) value: T,
    /// The file it was defined in.
    pub(super) file: u16,
    /// The line it was defined on.
    pub(super) line: u32,
}

/// Everything read so far; see the module docs.
#[derive(Default)]
pub(super) struct Builder {
    pub(super) paths: Vec<PathBuf>,
    pub(super) settings: Option<(Settings, Origin)>,
    pub(super) categories: Vec<Category>,
    pub(super) category_origin: Vec<Origin>,
    pub(super) entries: Vec<Entry>,
    /// Raw entries whose category may be defined in a later file.
    pub(super) deferred_entries: Vec<Pending<DeferredEntry>>,
    pub(super) seen_phrases: HashMap<(String, bool, bool), Origin>,
    pub(super) allow: Vec<Phrase>,
    pub(super) topics: Vec<Topic>,
    pub(super) topic_origin: Vec<Origin>,
    pub(super) scripts: Vec<Pending<ScriptWithRefs>>,
    pub(super) choices: Vec<Pending<(ChoiceSet, Vec<NameRef>)>>,
    pub(super) boundaries: [Option<(Template, Origin)>; 3],
    /// A file did not parse, so the pack's names are not all known.
    pub(super) unparsed: bool,
}

/// A name referring to something defined elsewhere, and where it was written.
pub(super) type NameRef = (String, Origin);

/// A script with its category and choice-set names still unresolved.
pub(super) type ScriptWithRefs = (Script, Vec<NameRef>, Option<NameRef>);

/// A `[[phrase]]` entry whose category is resolved once every file is read.
pub(super) struct DeferredEntry {
    /// How problems name it (`[[phrase]] in insult`).
    pub(super) key: String,
    pub(super) category: String,
    /// The weight as written, and a problem located at it (message to fill
    /// in) for when it does not fit the category's kind.
    pub(super) weight: Option<(f64, Problem)>,
    pub(super) targeted: Option<bool>,
    pub(super) pattern: EntryPattern,
    pub(super) written: String,
}

impl Builder {
    /// Reads every table of one file, in a fixed order: settings, lexicon,
    /// then responses.
    pub(super) fn add_file(&mut self, file: u16, src: &SourceFile<'_>, raw: RawFile, out: &mut Vec<Problem>) {
        self.add_settings(file, src, &raw, out);
        self.add_lexicon(file, src, &raw, out);
        self.add_responses(file, src, &raw, out);
    }

    /// `path:line` of an origin, for "first at ..." messages.
    pub(super) fn origin_str(&self, o: Origin) -> String {
        let file = self.paths.get(o.file as usize).map(|p| p.display().to_string()).unwrap_or_default();
        format!("{file}:{}", o.line)
    }
}
