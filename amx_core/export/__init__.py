"""Taking descriptions to where a team reads them: dbt properties files, a Markdown data dictionary, JSON."""
