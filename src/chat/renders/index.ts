export { createRenderFlow, type RenderFlow } from "./flow";
export { claimLinkAudience, openButtonFor } from "./link";
