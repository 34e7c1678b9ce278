// `npm run build`'s last step, after tsc: writes each contract parsed into JSON under
// dist/contracts/parsed/, which loadSpec reads instead of parsing the YAML at every start.
import { API_NAMES } from "../dist/contracts/apiNames.js";
import { writeParsedContracts } from "../dist/contracts/loadSpec.js";

writeParsedContracts(API_NAMES);
