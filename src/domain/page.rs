//! Offset pagination (`?page&limit`, contract §1).

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::error::Error;

/// `?page=1&limit=20`: page >= 1, 1 <= limit <= 100.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// 1-based page number (default 1).
    pub page: Option<i64>,
    /// Items per page, 1..=100 (default 20).
    pub limit: Option<i64>,
}

/// A validated page request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: i64,
    pub limit: i64,
}

impl PageQuery {
    /// Validates `?page&limit` as read from a route's own query struct.
    pub fn check(page: Option<i64>, limit: Option<i64>) -> Result<PageRequest, Error> {
        PageQuery { page, limit }.validate()
    }

    pub fn validate(self) -> Result<PageRequest, Error> {
        let page = self.page.unwrap_or(1);
        let limit = self.limit.unwrap_or(20);
        if !(1..=1_000_000).contains(&page) {
            return Err(Error::invalid_query("page must be between 1 and 1000000"));
        }
        if !(1..=100).contains(&limit) {
            return Err(Error::invalid_query("limit must be between 1 and 100"));
        }
        Ok(PageRequest { page, limit })
    }
}

impl PageRequest {
    pub fn offset(self) -> i64 {
        (self.page - 1) * self.limit
    }
}

/// One page of a list: `{data, total, page, limit, totalPages}`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub data: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub limit: i64,
    pub total_pages: i64,
}

impl<T> Page<T> {
    pub fn new(data: Vec<T>, total: i64, request: PageRequest) -> Self {
        Page {
            data,
            total,
            page: request.page,
            limit: request.limit,
            total_pages: (total + request.limit - 1) / request.limit,
        }
    }
}

/// A page of message history: `{data, hasMore}`, oldest first.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CursorPage<T> {
    pub data: Vec<T>,
    pub has_more: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(page: Option<i64>, limit: Option<i64>) -> PageQuery {
        PageQuery { page, limit }
    }

    #[test]
    fn defaults_and_bounds() {
        assert_eq!(
            query(None, None).validate().ok(),
            Some(PageRequest { page: 1, limit: 20 })
        );
        assert!(query(Some(0), None).validate().is_err());
        assert!(query(None, Some(0)).validate().is_err());
        assert!(query(None, Some(101)).validate().is_err());
        assert!(query(Some(2), Some(100)).validate().is_ok());
    }

    #[test]
    fn total_pages_rounds_up() {
        let request = PageRequest { page: 1, limit: 20 };
        assert_eq!(Page::<()>::new(vec![], 0, request).total_pages, 0);
        assert_eq!(Page::<()>::new(vec![], 20, request).total_pages, 1);
        assert_eq!(Page::<()>::new(vec![], 21, request).total_pages, 2);
    }
}
