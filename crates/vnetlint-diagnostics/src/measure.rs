//! What the evaluation budget measures of a value, for either frontend's value type: its
//! estimated bytes (counted against `max_eval_bytes`) and its canonical key (a text two values
//! share exactly when they are equal, so that sets and `distinct` sort or hash keys instead of
//! comparing every pair, which made them quadratic).
//!
//! Each frontend says what one value is made of (its text, its elements); the walks here use a
//! stack of their own, as a value may nest deeper than a thread's stack allows recursion.

use crate::VALUE_BYTES;

/// The estimated bytes of `root` and everything in it: [`VALUE_BYTES`] per value plus the text
/// `node` returns for it (its string, keys, reasons); `node` also pushes the value's elements.
pub fn estimated_bytes<'v, V>(root: &'v V, node: impl Fn(&'v V, &mut Vec<&'v V>) -> usize) -> u64 {
    let mut total: u64 = 0;
    let mut stack = vec![root];
    while let Some(value) = stack.pop() {
        let text = node(value, &mut stack);
        total = total
            .saturating_add(VALUE_BYTES)
            .saturating_add(text as u64);
    }
    total
}

/// How a value takes part in its canonical key.
pub enum Key<'v, V> {
    /// A value equal exactly to the values with the same text (its type and its value, as the
    /// language compares them: numbers by value, ARM strings ignoring case).
    Leaf(String),
    /// A sequence, equal to another element by element.
    List(&'v [V]),
    /// A map, equal to another key by key whatever their order (keys as the language compares
    /// them).
    Map(Vec<(String, &'v V)>),
    /// A value equal to nothing (unknown, only known at deployment), not even to itself.
    Never,
}

/// A text two values share exactly when they are equal, as `key` says what each is made of;
/// `None` when the value, or a part of it, equals nothing.
pub fn canonical_key<'v, V>(root: &'v V, key: impl Fn(&'v V) -> Key<'v, V>) -> Option<String> {
    /// What is left to write: a value, or punctuation between the parts of one.
    enum Task<'v, V> {
        Value(&'v V),
        Text(&'static str),
        Key(String),
    }
    let mut out = String::new();
    let mut tasks = vec![Task::Value(root)];
    while let Some(task) = tasks.pop() {
        let value = match task {
            Task::Text(text) => {
                out.push_str(text);
                continue;
            }
            Task::Key(name) => {
                write_quoted(&mut out, &name);
                out.push(':');
                continue;
            }
            Task::Value(value) => value,
        };
        match key(value) {
            Key::Leaf(text) => write_quoted(&mut out, &text),
            Key::List(items) => {
                out.push('[');
                tasks.push(Task::Text("]"));
                for item in items.iter().rev() {
                    tasks.push(Task::Text(","));
                    tasks.push(Task::Value(item));
                }
            }
            Key::Map(mut entries) => {
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                out.push('{');
                tasks.push(Task::Text("}"));
                for (name, entry) in entries.into_iter().rev() {
                    tasks.push(Task::Text(","));
                    tasks.push(Task::Value(entry));
                    tasks.push(Task::Key(name));
                }
            }
            Key::Never => return None,
        }
    }
    Some(out)
}

/// `text` between quotes with its quotes and backslashes escaped, so that no text written into
/// a key can pass for punctuation.
fn write_quoted(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small value type: a text, a list or a map, or `None` for what equals nothing.
    enum Toy {
        Text(&'static str),
        List(Vec<Toy>),
        Map(Vec<(&'static str, Toy)>),
        Nothing,
    }

    fn key(value: &Toy) -> Key<'_, Toy> {
        match value {
            Toy::Text(text) => Key::Leaf((*text).to_owned()),
            Toy::List(items) => Key::List(items),
            Toy::Map(entries) => {
                Key::Map(entries.iter().map(|(k, v)| ((*k).to_owned(), v)).collect())
            }
            Toy::Nothing => Key::Never,
        }
    }

    #[test]
    fn equal_values_share_a_key_and_others_do_not() {
        let map = |a, b| Toy::Map(vec![("a", Toy::Text(a)), ("b", Toy::Text(b))]);
        let reordered = Toy::Map(vec![("b", Toy::Text("2")), ("a", Toy::Text("1"))]);
        assert_eq!(
            canonical_key(&map("1", "2"), key),
            canonical_key(&reordered, key)
        );
        assert_ne!(
            canonical_key(&map("1", "2"), key),
            canonical_key(&map("2", "1"), key)
        );
        // Text that looks like punctuation stays text.
        let tricky = Toy::List(vec![Toy::Text("a\",\"b")]);
        let two = Toy::List(vec![Toy::Text("a"), Toy::Text("b")]);
        assert_ne!(canonical_key(&tricky, key), canonical_key(&two, key));
        let nested = Toy::List(vec![Toy::Text("x"), Toy::Nothing]);
        assert_eq!(canonical_key(&nested, key), None);
    }

    #[test]
    fn bytes_count_every_value_and_its_text() {
        let value = Toy::List(vec![Toy::Text("abc"), Toy::List(vec![Toy::Text("de")])]);
        let bytes = estimated_bytes(&value, |value, stack| match value {
            Toy::Text(text) => text.len(),
            Toy::List(items) => {
                stack.extend(items);
                0
            }
            Toy::Map(_) | Toy::Nothing => 0,
        });
        assert_eq!(bytes, 4 * VALUE_BYTES + 5);
    }
}
