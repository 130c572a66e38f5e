//! What every rule file needs.

pub(crate) use super::{
    RuleContext, count, declare_rule, insert_key_fix, insert_keys_edit, replace_value_fix,
};
pub(crate) use crate::diagnostic::{Applicability, Edit, Fix};
pub(crate) use crate::model::*;
pub(crate) use crate::text::TextRange;
