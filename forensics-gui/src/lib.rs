//! The investigator's desktop workbench.
