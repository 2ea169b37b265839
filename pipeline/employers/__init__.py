"""What employers get: the template, the feedback per delivery, quality scores and Data Docs."""
