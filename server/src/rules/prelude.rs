//! What every rule file needs.

pub(crate) use super::{RuleContext, declare_rule, insert_key_fix, replace_value_fix};
pub(crate) use crate::diagnostic::{Applicability, Edit, Fix};
pub(crate) use crate::model::*;
