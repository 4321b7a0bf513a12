export { createMediaFlow, type MediaFlow } from "./flow";
