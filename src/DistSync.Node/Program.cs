// The node host is built in issue #3; until then the executable says so plainly.
Console.Error.WriteLine("DistSync.Node: the node host is not built yet (issue #3).");
return 2;
