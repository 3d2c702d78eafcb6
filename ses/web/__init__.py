"""The HTTP edge shared by every package: problem details, authentication, paging, exports."""
