"""Reference media: the recordings, clips and photos owners register so their works can be found."""
