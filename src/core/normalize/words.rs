//! Words of normalized text, for the matcher and the scorer.
//!
//! Separate from the passes: it reads the finished text, not units, and the
//! rules for what makes a word (wildcards, inner apostrophes, `@` tokens)
//! follow what the output promises in the module docs of `normalize`.

/// The normalized words of `text` with their byte offsets: runs of
/// alphanumeric characters and wildcards (`*`), with `'` kept between two
/// word characters (`don't`), plus addressing tokens: `@` followed by an
/// optional `&` and alphanumerics (`@123`, `@&456`, `@user`).
///
/// ```
/// use keel::core::normalize::{normalize, words};
/// let n = normalize("Don't be a f*ck, <@123>!");
/// let w: Vec<_> = words(n.text()).collect();
/// assert_eq!(w, [(0, "don't"), (6, "be"), (9, "a"), (11, "f*ck"), (17, "@123")]);
/// ```
pub fn words(text: &str) -> Words<'_> {
    Words { text, pos: 0 }
}

/// Iterator returned by [`words`].
#[derive(Debug, Clone)]
pub struct Words<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Iterator for Words<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.text.get(self.pos..)?;
        let mut iter = rest.char_indices().peekable();
        while let Some((i, c)) = iter.next() {
            let start = self.pos + i;
            let next = iter.peek().map(|&(_, n)| n);
            let is_at = c == '@' && next.is_some_and(|n| n == '&' || n.is_alphanumeric());
            if !(c.is_alphanumeric() || is_at) {
                continue;
            }
            let mut end = start + c.len_utf8();
            if is_at && next == Some('&') {
                iter.next();
                end += 1;
            }
            while let Some(&(j, n)) = iter.peek() {
                let word_char = n.is_alphanumeric() || (n == '*' && !is_at);
                let inner_quote = n == '\'' && !is_at && {
                    let after = self.pos + j + 1;
                    self.text[after..].chars().next().is_some_and(char::is_alphanumeric)
                };
                if !(word_char || inner_quote) {
                    break;
                }
                end = self.pos + j + n.len_utf8();
                iter.next();
            }
            self.pos = end;
            return Some((start, &self.text[start..end]));
        }
        self.pos = self.text.len();
        None
    }
}
