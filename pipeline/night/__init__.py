"""The night: find new files, process them in isolated workers, load, publish; one file and the API."""
