"""Letters out of the registry as files: PDF, DOCX, personal copies, report forms."""
