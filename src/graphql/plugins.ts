/** Project plugins for PostGraphile (subscriptions and schema extensions arrive with later features). */
export const ProjectPlugins: GraphileConfig.Plugin[] = [];
