locals { a = "ÿþ" }
