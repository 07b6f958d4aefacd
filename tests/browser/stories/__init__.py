"""Steps of the browser stories, each shared by its app's test and the week's whole story."""
