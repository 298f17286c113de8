//! Message templates with `{user}`, `{issue}` and `{channel}` placeholders.
//!
//! Templates are parsed once when a pack loads, so an unknown placeholder is
//! a load-time problem with a line number, never a surprise at send time.

use std::fmt;

/// A value a template can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placeholder {
    /// The customer (`{user}`).
    User,
    /// What the conversation is about (`{issue}`).
    Issue,
    /// The channel's name (`{channel}`).
    Channel,
}

impl Placeholder {
    /// The placeholder's name as written between braces.
    pub fn name(self) -> &'static str {
        match self {
            Placeholder::User => "user",
            Placeholder::Issue => "issue",
            Placeholder::Channel => "channel",
        }
    }

    fn parse(name: &str) -> Option<Self> {
        match name {
            "user" => Some(Placeholder::User),
            "issue" => Some(Placeholder::Issue),
            "channel" => Some(Placeholder::Channel),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Text(String),
    Slot(Placeholder),
}

/// A parsed template.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Template {
    source: String,
    segments: Vec<Segment>,
}

/// Why a template did not parse: what and at which byte of the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// Byte offset in the template.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The values placeholders are filled with.
#[derive(Debug, Clone, Copy)]
pub struct Vars<'a> {
    /// Fills `{user}`.
    pub user: &'a str,
    /// Fills `{issue}`.
    pub issue: &'a str,
    /// Fills `{channel}`.
    pub channel: &'a str,
}

impl Template {
    /// Parses `source`; `{name}` must be one of the known placeholders.
    pub fn parse(source: &str) -> Result<Template, TemplateError> {
        let mut segments = Vec::new();
        let mut rest = source;
        let mut offset = 0;
        while let Some(open) = rest.find(['{', '}']) {
            if rest.as_bytes()[open] == b'}' {
                return Err(TemplateError { offset: offset + open, message: "a `}` without a matching `{`".into() });
            }
            if open > 0 {
                segments.push(Segment::Text(rest[..open].to_string()));
            }
            let after = &rest[open + 1..];
            let close = after.find('}').ok_or_else(|| TemplateError {
                offset: offset + open,
                message: "a `{` without a closing `}`".into(),
            })?;
            let name = &after[..close];
            let slot = Placeholder::parse(name.trim()).ok_or_else(|| TemplateError {
                offset: offset + open,
                message: format!("unknown placeholder `{{{name}}}` (known: {{user}}, {{issue}}, {{channel}})"),
            })?;
            segments.push(Segment::Slot(slot));
            let consumed = open + 1 + close + 1;
            offset += consumed;
            rest = &rest[consumed..];
        }
        if !rest.is_empty() {
            segments.push(Segment::Text(rest.to_string()));
        }
        Ok(Template { source: source.to_string(), segments })
    }

    /// The template as written.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Fills the placeholders.
    pub fn render(&self, vars: &Vars<'_>) -> String {
        let mut out = String::with_capacity(self.source.len() + 32);
        for s in &self.segments {
            match s {
                Segment::Text(t) => out.push_str(t),
                Segment::Slot(Placeholder::User) => out.push_str(vars.user),
                Segment::Slot(Placeholder::Issue) => out.push_str(vars.issue),
                Segment::Slot(Placeholder::Channel) => out.push_str(vars.channel),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{check, Case};

    const VARS: Vars<'static> = Vars { user: "@ana", issue: "your late parcel", channel: "#help" };

    #[test]
    fn renders_placeholders() {
        let cases = [
            Case { name: "plain", input: "no slots", expected: "no slots" },
            Case { name: "all", input: "{user}: {issue} in {channel}", expected: "@ana: your late parcel in #help" },
            Case { name: "repeated", input: "{user} {user}", expected: "@ana @ana" },
            Case { name: "spaces inside", input: "{ user }!", expected: "@ana!" },
            Case { name: "empty", input: "", expected: "" },
        ];
        check("render", &cases, |input| Template::parse(input).map_or_else(|e| e.message, |t| t.render(&VARS)));
    }

    #[test]
    fn rejects_bad_placeholders() {
        for (input, offset) in [("hi {usr}", 3), ("{user", 0), ("a } b", 2), ("{}", 0), ("x {issue} {chan}", 10)] {
            let e = Template::parse(input).expect_err(input);
            assert_eq!(e.offset, offset, "{input}: {}", e.message);
        }
    }
}
