"""The compendium platform: collect, curate, validate and publish trade policies for women."""
