"""Domain services: what every face calls (field checks, then the layers below); nothing below them imports these."""
