/** Every test file logs at LOG_LEVEL (globalSetup defaults it to "warn"), read through loadConfig like the product does. */
import { loadConfig } from "../../src/config.js";
import { setLogLevel } from "../../src/logger.js";

setLogLevel(loadConfig().logLevel);
