"""Read → harmonise → validate → batch checks: one delivery file becomes national rows and edits."""
