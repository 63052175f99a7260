"""Views more than one party mounts, one package per feature, each with register(bp) and its
own templates folder. The party packages (dealer/, bodybuilder/, manufacturer/, station/) say
which features each party has."""
