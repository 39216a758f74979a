//! The values a ticket is opened with, parsed once at the edge.

use super::error::{Error, Result};

/// A ticket's subject: 1 to 200 characters, not only spaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject(String);

impl Subject {
    pub fn parse(subject: String) -> Result<Subject> {
        if subject.trim().is_empty() || subject.chars().count() > 200 {
            return Err(Error::invalid_body("subject must be 1 to 200 characters"));
        }
        Ok(Subject(subject))
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// A ticket's category: free text of 1 to 50 characters, not only spaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category(String);

impl Category {
    pub fn parse(category: String) -> Result<Category> {
        if category.trim().is_empty() || category.chars().count() > 50 {
            return Err(Error::invalid_body("category must be 1 to 50 characters"));
        }
        Ok(Category(category))
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_and_categories_have_bounds() {
        assert!(Subject::parse("Refund".into()).is_ok());
        assert!(Subject::parse("  ".into()).is_err());
        assert!(Subject::parse("é".repeat(200)).is_ok());
        assert!(Subject::parse("é".repeat(201)).is_err());
        assert!(Category::parse("billing".into()).is_ok());
        assert!(Category::parse("".into()).is_err());
        assert!(Category::parse("x".repeat(51)).is_err());
    }
}
